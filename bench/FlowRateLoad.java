import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Opens flows as fast as a path takes them, with at most CONCURRENCY in flight, for SECONDS:
 * each flow is a TCP connection to HOST:PORT that writes 4 bytes, reads the same 4 bytes back
 * and closes. One thread drives every flow through a selector, because the load shares the
 * cores with the path under test. A thread per flow costs more: about 100 against 80 µs of
 * CPU per flow in the client process on the direct path of the 2-core machine in
 * docs/benchmarks.md. Prints one line:
 * {@code flows=N errors=N seconds=S rate=FLOWS_PER_SECOND cpu_us=MICROS idle=SHARE}, where
 * cpu_us is the busy CPU time of the whole machine (every process, this one included, and the
 * kernel) per finished flow and idle the share of CPU time left idle, both from /proc/stat over
 * the timed window. A flow that has not finished within 10 s counts as an error, so a run ends
 * at most 10 s after SECONDS.
 *
 * <pre>java bench/FlowRateLoad.java HOST PORT SECONDS CONCURRENCY</pre>
 */
public final class FlowRateLoad {

    private static final long FLOW_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final byte[] PING = {'p', 'i', 'n', 'g'};
    private static final double USER_HZ = 100;

    private final InetSocketAddress target;
    private final Selector selector;
    private long flows;
    private long errors;
    private long lastFinish;
    private int inFlight;

    private FlowRateLoad(InetSocketAddress target) throws IOException {
        this.target = target;
        this.selector = Selector.open();
    }

    /** One flow's state: the bytes still to write and the echo read so far. */
    private static final class Flow {
        final ByteBuffer out = ByteBuffer.wrap(PING.clone());
        final ByteBuffer in = ByteBuffer.allocate(PING.length);
        final long started = System.nanoTime();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java FlowRateLoad.java HOST PORT SECONDS CONCURRENCY");
            System.exit(2);
        }
        int port = positive("port", args[1], 65_535);
        int seconds = positive("seconds", args[2], Integer.MAX_VALUE);
        int concurrency = positive("concurrency", args[3], Integer.MAX_VALUE);
        InetSocketAddress target = new InetSocketAddress(args[0], port);
        if (target.isUnresolved()) {
            System.err.println("invalid host " + args[0] + " (expected a name or address that"
                    + " resolves)");
            System.exit(2);
        }
        new FlowRateLoad(target).run(seconds, concurrency);
    }

    /** Parses a whole number from 1 to MAX, or ends the program with a message and exit 2. */
    private static int positive(String name, String value, int max) {
        try {
            int number = Integer.parseInt(value);
            if (number >= 1 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below with the expected range.
        }
        System.err.println("invalid " + name + " " + value + " (expected a whole number from 1"
                + " to " + max + ")");
        System.exit(2);
        return 0;
    }

    private void run(long seconds, int concurrency) throws IOException {
        long[] cpuBefore = cpuTicks();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        long now = start;
        while (now < deadline && inFlight < concurrency) {
            startFlow();
            now = System.nanoTime();
        }

        while (inFlight > 0 && now < deadline + FLOW_TIMEOUT_NANOS) {
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                advance(key);
            }
            selector.selectedKeys().clear();
            now = System.nanoTime();
            while (now < deadline && inFlight < concurrency) {
                startFlow();
                now = System.nanoTime();
            }
            if (now >= deadline) {
                expire(now);
            }
        }

        long[] cpuAfter = cpuTicks();
        double elapsed = (Math.max(lastFinish, deadline) - start) / 1e9;
        errors += inFlight;
        long busy = cpuAfter[0] - cpuBefore[0];
        long idle = cpuAfter[1] - cpuBefore[1];
        System.out.printf("flows=%d errors=%d seconds=%.2f rate=%.0f cpu_us=%.1f idle=%.2f%n",
                flows, errors, elapsed, flows / elapsed,
                flows == 0 ? 0.0 : busy * 1e6 / USER_HZ / flows,
                busy + idle == 0 ? 0.0 : (double) idle / (busy + idle));
    }

    /**
     * Reads the machine's busy and idle CPU time from the first line of /proc/stat, in ticks of
     * 1/100 s (the unit Linux uses there). Busy is user, nice, system, irq and softirq. Idle is
     * idle and iowait. Steal, the time a hypervisor gave this machine's CPUs to others, is in
     * neither.
     */
    private static long[] cpuTicks() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7}) {
            busy += Long.parseLong(fields[i]);
        }
        return new long[] {busy, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
    }

    private void startFlow() {
        inFlight++;
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Flow flow = new Flow();
            if (channel.connect(target)) {
                channel.register(selector, SelectionKey.OP_WRITE, flow);
            } else {
                channel.register(selector, SelectionKey.OP_CONNECT, flow);
            }
        } catch (IOException e) {
            fail(channel);
        }
    }

    /** Moves one flow to its next step by what its key reports: connected, writable or readable. */
    private void advance(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        Flow flow = (Flow) key.attachment();
        try {
            if (key.isConnectable()) {
                channel.finishConnect();
            }
            if (flow.out.hasRemaining()) {
                channel.write(flow.out);
                key.interestOps(flow.out.hasRemaining() ? SelectionKey.OP_WRITE
                        : SelectionKey.OP_READ);
                return;
            }
            if (channel.read(flow.in) < 0) {
                throw new IOException("echo ended after " + flow.in.position() + " of 4 bytes");
            }
            if (flow.in.hasRemaining()) {
                return;
            }
            if (!Arrays.equals(flow.in.array(), PING)) {
                throw new IOException("echo returned other bytes");
            }
            channel.close();
            lastFinish = System.nanoTime();
            flows++;
            inFlight--;
        } catch (IOException e) {
            fail(channel);
        }
    }

    /** Counts flows older than the flow timeout as errors once no new flow starts. */
    private void expire(long now) {
        for (SelectionKey key : selector.keys()) {
            Flow flow = (Flow) key.attachment();
            if (key.isValid() && now - flow.started > FLOW_TIMEOUT_NANOS) {
                fail((SocketChannel) key.channel());
            }
        }
    }

    private void fail(SocketChannel channel) {
        errors++;
        inFlight--;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // The flow already counts as failed.
            }
        }
    }
}

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The load clients of {@code bench/run}, each a subcommand that prints one line of
 * space-separated {@code key=value} figures. Every flow is a TCP connection to HOST:PORT; an
 * echo is 4 bytes written and the same 4 bytes read back.
 *
 * <pre>
 * java bench/BenchClient.java latency HOST PORT COUNT WARMUP
 *     COUNT sequential flows (connect, echo, close) after WARMUP untimed ones;
 *     prints p50, p90 and p99 in microseconds.
 * java bench/BenchClient.java idle HOST PORT COUNT MAX_HOLD_SECONDS RELEASE_FILE
 *     opens COUNT flows with one echo each (32 at a time) and keeps them open until
 *     RELEASE_FILE exists or MAX_HOLD_SECONDS pass; prints "open=COUNT" once all are open.
 * java bench/BenchClient.java slow HOST PORT SECONDS FAST SLOW_BYTES_PER_SECOND
 *     FAST flows read from a source server at full speed and, unless SLOW_BYTES_PER_SECOND is
 *     0, one more flow reads at that rate; prints each flow's rate in MB/s (10^6 bytes).
 * </pre>
 */
public final class BenchClient {

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final byte[] PING = {'p', 'i', 'n', 'g'};

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java BenchClient.java latency|idle|slow HOST PORT ...");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        switch (args[0]) {
            case "latency" -> latency(target, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "idle" -> idle(target, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Path.of(args[5]));
            case "slow" -> slow(target, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Long.parseLong(args[5]));
            default -> {
                System.err.println("unknown subcommand: " + args[0]
                        + " (expected latency, idle or slow)");
                System.exit(2);
            }
        }
    }

    private static Socket connect(InetSocketAddress target) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(target, TIMEOUT_MILLIS);
        return socket;
    }

    /** Writes 4 bytes and reads them back; raises an IOException on a short or wrong echo. */
    private static void echo(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(PING);
        out.flush();
        byte[] answer = new byte[PING.length];
        int read = 0;
        while (read < answer.length) {
            int n = in.read(answer, read, answer.length - read);
            if (n < 0) {
                throw new IOException("echo ended after " + read + " of 4 bytes");
            }
            read += n;
        }
        if (!Arrays.equals(answer, PING)) {
            throw new IOException("echo returned other bytes: " + Arrays.toString(answer));
        }
    }

    private static void oneFlow(InetSocketAddress target) throws IOException {
        try (Socket socket = connect(target)) {
            echo(socket);
        }
    }

    private static void latency(InetSocketAddress target, int count, int warmup)
            throws IOException {
        long[] micros = new long[count];
        for (int i = 0; i < warmup + count; i++) {
            long start = System.nanoTime();
            oneFlow(target);
            if (i >= warmup) {
                micros[i - warmup] = (System.nanoTime() - start) / 1_000;
            }
        }
        Arrays.sort(micros);
        System.out.printf("flows=%d warmup=%d p50=%d p90=%d p99=%d%n", count, warmup,
                micros[count / 2], micros[count * 9 / 10], micros[count * 99 / 100]);
    }

    private static void idle(InetSocketAddress target, int count, int maxHoldSeconds,
            Path releaseFile) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<Socket>> opened = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            opened.add(pool.submit(() -> {
                Socket socket = connect(target);
                echo(socket);
                socket.setSoTimeout(0);
                return socket;
            }));
        }
        List<Socket> sockets = new ArrayList<>(count);
        int failed = 0;
        for (Future<Socket> future : opened) {
            try {
                sockets.add(future.get());
            } catch (Exception e) {
                failed++;
            }
        }
        pool.shutdown();
        System.out.printf("open=%d failed=%d%n", sockets.size(), failed);
        System.out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxHoldSeconds);
        while (!Files.exists(releaseFile) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private static void slow(InetSocketAddress target, int seconds, int fast,
            long slowBytesPerSecond) throws Exception {
        int flows = fast + (slowBytesPerSecond > 0 ? 1 : 0);
        long[] bytes = new long[flows];
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < flows; i++) {
            sockets.add(connect(target));
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < flows; i++) {
            int index = i;
            long limit = index == fast ? slowBytesPerSecond : 0;
            Thread reader = new Thread(() -> bytes[index] = read(sockets.get(index), deadline,
                    limit, start));
            reader.start();
            readers.add(reader);
        }
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(seconds + 30L));
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (Socket socket : sockets) {
            socket.close();
        }
        StringBuilder line = new StringBuilder();
        double total = 0;
        for (int i = 0; i < fast; i++) {
            double rate = bytes[i] / elapsed / 1e6;
            total += rate;
            line.append(String.format("fast%d=%.1f ", i, rate));
        }
        line.append(String.format("fast_total=%.1f", total));
        if (flows > fast) {
            line.append(String.format(" slow=%.2f", bytes[fast] / elapsed / 1e6));
        }
        System.out.println(line);
    }

    /**
     * Reads until the deadline and returns the bytes read; a positive {@code bytesPerSecond}
     * paces the reads to that rate from {@code start}.
     */
    private static long read(Socket socket, long deadline, long bytesPerSecond, long start) {
        byte[] buffer = new byte[bytesPerSecond > 0 ? 16 * 1024 : 64 * 1024];
        long total = 0;
        try {
            InputStream in = socket.getInputStream();
            while (System.nanoTime() < deadline) {
                if (bytesPerSecond > 0) {
                    long allowedNanos = total * 1_000_000_000L / bytesPerSecond;
                    long waitNanos = start + allowedNanos - System.nanoTime();
                    if (waitNanos > 0) {
                        Thread.sleep(Math.max(1, waitNanos / 1_000_000));
                        continue;
                    }
                }
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            return total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return total;
    }
}

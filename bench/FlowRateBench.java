import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures flows opened per second: CLIENTS threads each open a TCP flow, send 4 bytes, read
 * the 4-byte echo and close, in a loop for SECONDS seconds. WARMUP untimed flows (default
 * 2000) run one at a time first. Prints flows per second and failed flows. Run with the
 * single-file launcher:
 * {@code java bench/FlowRateBench.java HOST PORT CLIENTS SECONDS LABEL [WARMUP]}.
 */
public final class FlowRateBench {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        String label = args.length > 4 ? args[4] : host + ":" + port;
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 2000;
        InetSocketAddress address = new InetSocketAddress(host, port);
        for (int i = 0; i < warmup; i++) {
            echo(address);
        }

        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < clients; t++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        echo(address);
                        done.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }

        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s: clients=%d flows=%d failed=%d in %.1f s: %.0f flows/s%n",
                label, clients, done.get(), failed.get(), elapsed, done.get() / elapsed);
    }

    private static void echo(InetSocketAddress address) throws Exception {
        byte[] answer = new byte[4];
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(address, 10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(new byte[] {'p', 'i', 'n', 'g'});
            int read = 0;
            while (read < 4) {
                int n = in.read(answer, read, 4 - read);
                if (n < 0) {
                    throw new IllegalStateException("echo ended after " + read + " bytes");
                }
                read += n;
            }
        }
    }
}

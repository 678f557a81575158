import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;

/**
 * Times opening a TCP flow and getting a 4-byte echo back, sequentially, and prints p50, p90
 * and p99 in microseconds. WARMUP untimed flows run first (default 3000), because the daemons'
 * JIT needs a few thousand flows before per-flow code is compiled. Run with the single-file
 * launcher: {@code java bench/FlowOpenBench.java HOST PORT COUNT LABEL [WARMUP]}.
 */
public final class FlowOpenBench {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        String label = args.length > 3 ? args[3] : host + ":" + port;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 3000;
        byte[] ping = {'p', 'i', 'n', 'g'};
        byte[] answer = new byte[4];
        long[] micros = new long[count];
        for (int i = 0; i < count + warmup; i++) {
            long start = System.nanoTime();
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(10_000);
                socket.connect(new InetSocketAddress(host, port), 10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(ping);
                out.flush();
                int read = 0;
                while (read < 4) {
                    int n = in.read(answer, read, 4 - read);
                    if (n < 0) {
                        throw new IllegalStateException("echo ended after " + read + " bytes");
                    }
                    read += n;
                }
            }
            if (i >= warmup) {
                micros[i - warmup] = (System.nanoTime() - start) / 1_000;
            }
        }
        Arrays.sort(micros);
        System.out.printf("%s: flows=%d (after %d warm-up) p50=%dus p90=%dus p99=%dus%n",
                label, count, warmup, micros[count / 2], micros[count * 9 / 10], micros[count * 99 / 100]);
    }
}

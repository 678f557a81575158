import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens COUNT flows, each checked with a 4-byte echo, and keeps them open and idle until
 * standard input delivers a byte or ends, so that the daemons' heap per idle flow can be
 * measured in between. Prints "open COUNT" once all flows are up. Run with the single-file launcher:
 * {@code java bench/IdleFlows.java HOST PORT COUNT}.
 */
public final class IdleFlows {

    public static void main(String[] args) throws Exception {
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        List<Socket> sockets = new ArrayList<>(count);
        byte[] answer = new byte[4];
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            socket.setSoTimeout(10_000);
            socket.connect(address, 10_000);
            socket.getOutputStream().write(new byte[] {'p', 'i', 'n', 'g'});
            InputStream in = socket.getInputStream();
            int read = 0;
            while (read < 4) {
                int n = in.read(answer, read, 4 - read);
                if (n < 0) {
                    throw new IllegalStateException("flow " + i + " ended after " + read + " bytes");
                }
                read += n;
            }
            sockets.add(socket);
        }
        System.out.println("open " + sockets.size());
        System.in.read();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}

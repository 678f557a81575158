import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * The two target servers of {@code bench/run}, on one selector thread: an echo server that
 * writes back every byte it reads, and a source server that sends zeros to each client as fast
 * as the client reads them. Both bind 127.0.0.1 and stop when the process is killed.
 *
 * <p>Run with the single-file launcher:
 * {@code java bench/BenchServers.java ECHO_PORT SOURCE_PORT}. It prints {@code listening} once
 * both ports are bound.
 */
public final class BenchServers {

    private static final int BUFFER_BYTES = 64 * 1024;
    private static final String SOURCE = "source";

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java BenchServers.java ECHO_PORT SOURCE_PORT");
            System.exit(2);
        }
        Selector selector = Selector.open();
        bind(selector, Integer.parseInt(args[0]), null);
        bind(selector, Integer.parseInt(args[1]), SOURCE);
        System.out.println("listening");
        System.out.flush();

        ByteBuffer readBuffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        ByteBuffer zeros = ByteBuffer.allocateDirect(BUFFER_BYTES);
        while (true) {
            selector.select();
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                try {
                    handle(selector, key, readBuffer, zeros);
                } catch (IOException e) {
                    key.channel().close();
                }
            }
        }
    }

    private static void bind(Selector selector, int port, Object kind) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT, kind);
    }

    private static void handle(Selector selector, SelectionKey key, ByteBuffer readBuffer,
            ByteBuffer zeros) throws IOException {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept(selector, key);
            return;
        }
        SocketChannel channel = (SocketChannel) key.channel();
        if (key.attachment() == SOURCE) {
            if (key.isReadable()) {
                readBuffer.clear();
                if (channel.read(readBuffer) < 0) {
                    channel.close();
                    return;
                }
            }
            if (key.isValid() && key.isWritable()) {
                zeros.clear();
                channel.write(zeros);
            }
            return;
        }
        echo(key, channel, readBuffer);
    }

    private static void accept(Selector selector, SelectionKey key) throws IOException {
        SocketChannel channel = ((ServerSocketChannel) key.channel()).accept();
        if (channel == null) {
            return;
        }
        channel.configureBlocking(false);
        channel.socket().setTcpNoDelay(true);
        if (key.attachment() == SOURCE) {
            channel.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, SOURCE);
        } else {
            channel.register(selector, SelectionKey.OP_READ, null);
        }
    }

    /**
     * Echoes what is readable. A partial write keeps the rest as the key's attachment and stops
     * reading until it is written, so a client that does not read cannot grow this process.
     */
    private static void echo(SelectionKey key, SocketChannel channel, ByteBuffer readBuffer)
            throws IOException {
        ByteBuffer pending = (ByteBuffer) key.attachment();
        if (pending != null) {
            channel.write(pending);
            if (pending.hasRemaining()) {
                return;
            }
            key.attach(null);
            key.interestOps(SelectionKey.OP_READ);
            return;
        }
        readBuffer.clear();
        int read = channel.read(readBuffer);
        if (read < 0) {
            channel.close();
            return;
        }
        readBuffer.flip();
        channel.write(readBuffer);
        if (readBuffer.hasRemaining()) {
            ByteBuffer rest = ByteBuffer.allocate(readBuffer.remaining());
            rest.put(readBuffer).flip();
            key.attach(rest);
            key.interestOps(SelectionKey.OP_WRITE);
        }
    }
}

package io.ztna.agent.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A blocking TCP server on a loopback address that stands in for an app. Each connection runs
 * {@link Handler} on its own thread; the outcome of each connection (the bytes it read before
 * EOF, or the exception that ended it) goes to {@link #outcomes()}.
 */
final class LoopbackServer implements AutoCloseable {

    /** Serves one connection and returns the bytes it read. */
    @FunctionalInterface
    interface Handler {
        byte[] serve(Socket socket) throws IOException;
    }

    /** Copies input to output until EOF, then half-closes; the echo app. */
    static final Handler ECHO = socket -> {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            total += n;
        }
        socket.shutdownOutput();
        return ("echoed " + total).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    };

    /**
     * Reads the whole request up to EOF, then answers with {@link #answerFor} and closes: the
     * "send, then shut down output to mark the end" protocols.
     */
    static final Handler ANSWER_AFTER_EOF = socket -> {
        byte[] request = socket.getInputStream().readAllBytes();
        OutputStream out = socket.getOutputStream();
        out.write(answerFor(request));
        out.flush();
        socket.close();
        return request;
    };

    /** Returns the answer {@link #ANSWER_AFTER_EOF} sends: 64 KiB that depend on the request. */
    static byte[] answerFor(byte[] request) {
        byte[] answer = new byte[64 * 1024];
        for (int i = 0; i < answer.length; i++) {
            answer[i] = (byte) (request.length + i * 31);
        }
        return answer;
    }

    /** How one connection ended. */
    record Outcome(byte[] received, IOException error) {
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "loopback-app");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final BlockingQueue<Socket> connections = new LinkedBlockingQueue<>();

    private LoopbackServer(ServerSocket server) {
        this.server = server;
    }

    /** Starts a server on {@code address} (127.0.0.1 or ::1) with a port the system chooses. */
    static LoopbackServer start(String address, Handler handler) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        LoopbackServer app = new LoopbackServer(server);
        app.threads.execute(() -> app.acceptLoop(handler));
        return app;
    }

    static LoopbackServer start(Handler handler) throws IOException {
        return start("127.0.0.1", handler);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Returns how each connection ended, in the order they ended. */
    BlockingQueue<Outcome> outcomes() {
        return outcomes;
    }

    /** Returns each accepted socket, in the order accepted. */
    BlockingQueue<Socket> connections() {
        return connections;
    }

    private void acceptLoop(Handler handler) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.add(socket);
            connections.add(socket);
            threads.execute(() -> serve(socket, handler));
        }
    }

    private void serve(Socket socket, Handler handler) {
        try (socket) {
            socket.setSoTimeout(30_000);
            outcomes.add(new Outcome(handler.serve(socket), null));
        } catch (IOException e) {
            outcomes.add(new Outcome(new ByteArrayOutputStream().toByteArray(), e));
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
        threads.shutdownNow();
    }
}

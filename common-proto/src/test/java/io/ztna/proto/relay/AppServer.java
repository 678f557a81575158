package io.ztna.proto.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A blocking TCP server on 127.0.0.1 that plays the app: each call to {@link #serveNext} accepts
 * one connection and runs a handler on it in its own thread. Sockets time out after
 * {@link LoopbackChain#TIMEOUT_SECONDS}, so no handler blocks for longer.
 */
final class AppServer implements AutoCloseable {

    /** What the app does with one connection; the result completes the future of the call. */
    interface Handler<T> {
        T handle(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    AppServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LoopbackChain.TIMEOUT_SECONDS));
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Accepts the next connection and runs {@code handler} on it, then closes the socket. */
    <T> CompletableFuture<T> serveNext(Handler<T> handler) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LoopbackChain.TIMEOUT_SECONDS));
                result.complete(handler.handle(socket));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public void close() throws Exception {
        server.close();
        executor.shutdownNow();
        executor.awaitTermination(LoopbackChain.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}

package io.ztna.agent.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test payloads and a full-duplex exchange over a plain socket. */
final class Payloads {

    private Payloads() {
    }

    /** Returns {@code length} pseudo-random bytes, the same for the same seed. */
    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Sends {@code payload} from a second thread, then shuts the socket's output, while this
     * thread reads up to EOF; returns what was read. Fails when either side takes more than
     * {@code timeoutSeconds}.
     */
    static byte[] exchange(Socket socket, byte[] payload, long timeoutSeconds)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int offset = 0; offset < payload.length; offset += 8192) {
                    out.write(payload, offset, Math.min(8192, payload.length - offset));
                }
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(timeoutSeconds));
        byte[] received = socket.getInputStream().readAllBytes();
        sent.get(timeoutSeconds, TimeUnit.SECONDS);
        return received;
    }
}

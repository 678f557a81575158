package io.ztna.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks loopback ports that are free at the moment of asking. */
final class FreePorts {

    private FreePorts() {
    }

    /**
     * Returns a free port in 18000-18999, the ports the lab's host.lab.internal app covers;
     * starts at a random place so parallel test JVMs rarely collide.
     */
    static int inLabRange() {
        int start = 18100 + java.util.concurrent.ThreadLocalRandom.current().nextInt(800);
        for (int i = 0; i < 900; i++) {
            int port = 18100 + (start - 18100 + i) % 900;
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // In use; try the next one.
            }
        }
        throw new IllegalStateException("no free port in 18100-18999");
    }

    static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

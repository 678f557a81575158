package io.ztna.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Picks loopback ports that are free at the moment of asking. */
final class FreePorts {

    /** Lowest port {@link #next()} returns: above the lab's app range 18000-18999. */
    static final int FIRST = 26000;
    /** Highest port {@link #next()} returns: below the default ephemeral range. */
    static final int LAST = 32699;

    private FreePorts() {
    }

    /**
     * Returns a free port in 18000-18999, the ports the lab's host.lab.internal app covers;
     * starts at a random place so parallel test JVMs rarely collide.
     */
    static int inLabRange() {
        int start = 18100 + ThreadLocalRandom.current().nextInt(800);
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

    /**
     * Returns the first of {@code count} consecutive loopback ports that are all free, for
     * {@code bin/lab up}, which derives ports from the one it is given.
     */
    static int consecutive(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = next();
            if (first + count - 1 > LAST) {
                continue;
            }
            List<ServerSocket> listeners = new ArrayList<>();
            try {
                for (int port = first; port < first + count; port++) {
                    listeners.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
                }
                return first;
            } catch (IOException e) {
                // One of them is in use; start from another free port.
            } finally {
                for (ServerSocket socket : listeners) {
                    try {
                        socket.close();
                    } catch (IOException e) {
                        // Closing a listener that accepted nothing cannot lose data.
                    }
                }
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free loopback ports found "
                + "in 50 attempts");
    }

    /**
     * Returns a free loopback port from {@value #FIRST}-{@value #LAST}, below the kernel's
     * ephemeral range (32768 and up by default). Any outgoing connection can take an ephemeral
     * port as its source port after the test found it free and before a daemon binds it. Lab
     * startups make hundreds of such connections.
     */
    static int next() {
        int span = LAST - FIRST + 1;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = FIRST + (start + i) % span;
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // In use; try the next one.
            }
        }
        throw new IllegalStateException("no free loopback port in " + FIRST + "-" + LAST);
    }
}

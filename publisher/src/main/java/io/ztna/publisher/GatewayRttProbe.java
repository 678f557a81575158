package io.ztna.publisher;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Measures the round-trip time to a publisher gateway, which the publisher uses to keep its
 * tunnels to the closest gateways. The default measures a TCP connect; tests inject fixed
 * values.
 */
@FunctionalInterface
public interface GatewayRttProbe {

    /**
     * Measures the RTT to {@code gateway}. The future completes, on any thread, with the RTT in
     * nanoseconds, or exceptionally when the gateway could not be reached within the probe's
     * timeout.
     */
    CompletableFuture<Long> measure(InetSocketAddress gateway);
}

package io.ztna.agent.capture;

import java.time.Duration;

/**
 * Time limits of the capture listeners.
 *
 * @param handshake a SOCKS5 client must send its greeting and request, and an HTTP proxy client
 *     its CONNECT request, within this time, counted from the accept, or the connection closes
 * @param directConnect connect timeout for destinations that go directly, not through the
 *     tunnel
 * @param open a tunnel open unanswered for this long fails with TIMED_OUT; a backstop for an
 *     opener that never completes, since the tunnel applies its own, shorter open timeout
 */
public record CaptureTimeouts(Duration handshake, Duration directConnect, Duration open) {

    public CaptureTimeouts {
        requirePositive("handshake", handshake);
        requirePositive("directConnect", directConnect);
        requirePositive("open", open);
    }

    /**
     * Returns 10 s to finish the SOCKS5 or HTTP CONNECT handshake, 10 s per direct connect,
     * 30 s per open.
     */
    public static CaptureTimeouts defaults() {
        return new CaptureTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(30));
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}

package io.ztna.lab;

import io.netty.channel.EventLoopGroup;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.control.PresenceMessage;
import io.ztna.proto.control.PresenceMessage.PublisherState;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.transport.Transports;
import io.ztna.proto.tunnel.Backoff;
import io.ztna.proto.tunnel.TunnelDialer;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test client gateway cg-1 with one tunnel to a publisher gateway: keeps the presence
 * messages it receives and the publisher states they add up to, and opens flows a test makes
 * up.
 */
final class CraftedClientGateway implements AutoCloseable {

    private final EventLoopGroup group = Transports.newGroup(1);
    private final TunnelDialer dialer;
    private final BlockingQueue<PresenceMessage> presence = new LinkedBlockingQueue<>();
    private final Map<String, PublisherState> states = new HashMap<>();

    CraftedClientGateway(TestPki pki, InetSocketAddress publisherGateway) throws Exception {
        dialer = new TunnelDialer(group, publisherGateway,
                TlsContexts.client(pki.workload(PeerRole.CLIENT_GATEWAY, "cg-1"),
                        PeerRole.PUBLISHER_GATEWAY),
                PublisherGatewaysLab.TUNNEL_OPTIONS, (peer, channel) -> new Listener(),
                new Backoff(100, 1_000), tunnel -> { });
        dialer.start();
    }

    /** Returns the tunnel once up, waiting up to 20 s. */
    Tunnel tunnel() throws InterruptedException {
        InProcessLab.await(() -> dialer.current() != null, "crafted client gateway tunnel up");
        return dialer.current();
    }

    /**
     * Applies presence messages as they arrive until the state of {@code publisher} matches,
     * waiting up to {@code timeoutMillis}, and returns that state.
     */
    PublisherState awaitState(String publisher, Predicate<PublisherState> condition,
            long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            PublisherState state = states.get(publisher);
            if (state != null && condition.test(state)) {
                return state;
            }
            long left = deadline - System.nanoTime();
            PresenceMessage message = presence.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (message == null) {
                throw new AssertionError("publisher " + publisher + " did not reach the expected"
                        + " state within " + timeoutMillis + " ms; last state: " + state);
            }
            if (message.snapshot()) {
                states.clear();
            }
            for (PublisherState update : message.publishers()) {
                states.put(update.id(), update);
            }
        }
    }

    @Override
    public void close() {
        dialer.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Listener implements TunnelListener {

        @Override
        public void onStreamOpened(Tunnel tunnel, Stream stream) {
            stream.reject(OpenResult.DENIED_BY_POLICY, "a crafted client gateway accepts no flows");
        }

        @Override
        public void onControl(Tunnel tunnel, String json) {
            ControlMessage message = ControlCodec.decode(json);
            if (message instanceof PresenceMessage update) {
                presence.add(update);
            }
        }
    }
}

package io.ztna.clientgateway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.ztna.clientgateway.routing.PublisherDirectory;
import io.ztna.clientgateway.routing.PublisherLink;
import io.ztna.clientgateway.routing.PublisherSelector;
import io.ztna.proto.control.PresenceMessage;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.transport.Transports;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Opening flows over two publisher-gateway stand-ins that reject each open with a chosen
 * result: a route that went away is retried once on the next candidate, other failures are not.
 * pub-1 is reachable only through pg-a and reports no flows, pub-2 only through pg-b and
 * reports five, so every first attempt goes to pub-1.
 */
@ExtendWith(LeakCheck.class)
class FlowRouterTest {

    private static final FlowMetadata FLOW = FlowMetadata.tcp("intranet.corp.internal", 443)
            .withIdentity("flow-1", "alice@example.com", "laptop-1", "intranet");
    private static final List<String> ASSIGNED = List.of("pub-1", "pub-2");

    private final EventLoopGroup group = Transports.newGroup(1);
    private final PublisherDirectory directory = new PublisherDirectory();
    private final BlockingQueue<String> opens = new LinkedBlockingQueue<>();
    private LoopbackGateway first;
    private LoopbackGateway second;

    /** The last outcome of an open, as the router reported it. */
    private record Result(String publisher, String gateway, OpenResult result) {
    }

    @AfterEach
    void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private TunnelListener rejecting(String name, OpenResult result) {
        return (tunnel, stream) -> {
            opens.add(name + ":" + stream.metadata().publisher());
            stream.reject(result, name + " rejected the flow");
        };
    }

    private void start(OpenResult firstResult, OpenResult secondResult) throws Exception {
        first = LoopbackGateway.start(group, "pg-a", rejecting("pg-a", firstResult));
        second = LoopbackGateway.start(group, "pg-b", rejecting("pg-b", secondResult));
        directory.apply(first.tunnel(), new PresenceMessage("pg-a", true, List.of(
                new PresenceMessage.PublisherState("pub-1", true, 0, -1, Map.of()))));
        directory.apply(second.tunnel(), new PresenceMessage("pg-b", true, List.of(
                new PresenceMessage.PublisherState("pub-2", true, 5, -1, Map.of()))));
    }

    private Result open() throws Exception {
        return open(ASSIGNED);
    }

    private Result open(List<String> assigned) throws Exception {
        FlowRouter router = new FlowRouter(directory, new PublisherSelector(Duration.ZERO));
        CompletableFuture<Result> outcome = new CompletableFuture<>();
        router.open(FLOW, assigned, new FlowRouter.Outcome() {
            @Override
            public void opened(FlowMetadata routed, PublisherLink link, Stream upstream) {
                outcome.complete(new Result(link.publisher(), link.gateway(),
                        OpenResult.CONNECTED));
            }

            @Override
            public void failed(FlowMetadata flow, PublisherLink link, OpenResult result,
                    String reason) {
                outcome.complete(new Result(link == null ? null : link.publisher(),
                        link == null ? null : link.gateway(), result));
            }
        });
        return outcome.get(5, TimeUnit.SECONDS);
    }

    @Test
    void publisherGoneRetriedOnNext() throws Exception {
        start(OpenResult.NO_PUBLISHER, OpenResult.APP_REFUSED);
        assertThat(open()).isEqualTo(new Result("pub-2", "pg-b", OpenResult.APP_REFUSED));
        assertThat(opens).containsExactly("pg-a:pub-1", "pg-b:pub-2");
        assertThat(directory.inFlight("pub-1")).isZero();
        assertThat(directory.inFlight("pub-2")).isZero();
    }

    @Test
    void gatewayGoingAwayRetriedOnNext() throws Exception {
        start(OpenResult.GOING_AWAY, OpenResult.APP_UNREACHABLE);
        assertThat(open()).isEqualTo(new Result("pub-2", "pg-b", OpenResult.APP_UNREACHABLE));
        assertThat(opens).containsExactly("pg-a:pub-1", "pg-b:pub-2");
    }

    @Test
    void retriedOnlyOnce() throws Exception {
        start(OpenResult.NO_PUBLISHER, OpenResult.GOING_AWAY);
        assertThat(open()).isEqualTo(new Result("pub-2", "pg-b", OpenResult.GOING_AWAY));
        assertThat(opens).containsExactly("pg-a:pub-1", "pg-b:pub-2");
    }

    @Test
    void appFailureNotRetried() throws Exception {
        start(OpenResult.APP_REFUSED, OpenResult.APP_REFUSED);
        assertThat(open()).isEqualTo(new Result("pub-1", "pg-a", OpenResult.APP_REFUSED));
        assertThat(opens).containsExactly("pg-a:pub-1");
    }

    @Test
    void noOtherCandidateFailsWithFirstResult() throws Exception {
        start(OpenResult.NO_PUBLISHER, OpenResult.APP_REFUSED);
        second.close();
        second = null;
        assertThat(open(List.of("pub-1")))
                .isEqualTo(new Result("pub-1", "pg-a", OpenResult.NO_PUBLISHER));
        assertThat(opens).containsExactly("pg-a:pub-1");
    }

    @Test
    void noCandidateFailsWithNoPublisher() throws Exception {
        start(OpenResult.APP_REFUSED, OpenResult.APP_REFUSED);
        directory.remove(first.tunnel());
        directory.remove(second.tunnel());
        assertThat(open()).isEqualTo(new Result(null, null, OpenResult.NO_PUBLISHER));
        assertThat(opens).isEmpty();
    }
}

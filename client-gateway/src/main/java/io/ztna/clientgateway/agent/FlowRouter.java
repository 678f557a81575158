package io.ztna.clientgateway.agent;

import io.ztna.clientgateway.routing.PublisherDirectory;
import io.ztna.clientgateway.routing.PublisherLink;
import io.ztna.clientgateway.routing.PublisherSelector;
import io.ztna.clientgateway.routing.Selection;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.metrics.DataPlaneMetrics;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an allowed flow towards a publisher: selects the publisher and the publisher-gateway
 * tunnel, opens the stream there and counts the flow in flight. When the open fails because
 * the tunnel went away (GOING_AWAY) or the publisher is no longer connected through it
 * (NO_PUBLISHER), the flow is tried once more on the next candidate, leaving out the failed
 * link. Every outcome is reported to the selector, which skips publishers that keep failing to
 * reach a destination.
 */
final class FlowRouter {

    private static final Logger log = LoggerFactory.getLogger(FlowRouter.class);

    private final PublisherDirectory directory;
    private final PublisherSelector selector;
    private final ClientGatewayMetrics metrics;

    /** Receives the outcome of {@link #open}, on the publisher-gateway tunnel's event loop. */
    interface Outcome {

        /**
         * Reports that the OPEN of an attempt was written on {@code upstream}, so that the flow's
         * early bytes can follow it. Called once per attempt, so again after a retry.
         */
        default void openSent(Stream upstream) {
        }

        /**
         * The publisher connected to the app. The flow stays counted in flight until the
         * receiver calls {@link PublisherDirectory#flowEnded}.
         */
        void opened(FlowMetadata routed, PublisherLink link, Stream upstream);

        /**
         * The flow could not be opened.
         *
         * @param link the link of the last attempt, or null when no publisher was a candidate
         */
        void failed(FlowMetadata flow, PublisherLink link, OpenResult result, String reason);
    }

    FlowRouter(PublisherDirectory directory, PublisherSelector selector) {
        this(directory, selector, new ClientGatewayMetrics(new DataPlaneMetrics()));
    }

    /** @param metrics counts each publisher selection by its reason */
    FlowRouter(PublisherDirectory directory, PublisherSelector selector,
            ClientGatewayMetrics metrics) {
        this.directory = directory;
        this.selector = selector;
        this.metrics = metrics;
    }

    /**
     * Opens {@code flow}, which carries the user, app and flow id, on a publisher among
     * {@code assigned}.
     */
    void open(FlowMetadata flow, List<String> assigned, Outcome outcome) {
        Selection selection = select(flow, assigned, null);
        if (selection == null) {
            outcome.failed(flow, null, OpenResult.NO_PUBLISHER, "no publisher of app "
                    + flow.app() + " is connected (assigned: " + assigned + ")");
            return;
        }
        openOn(flow, assigned, selection.link(), true, outcome);
    }

    /** Selects a publisher to send a DNS query for {@code app} to, or returns null. */
    Selection selectForDns(String user, String app, List<String> assigned) {
        Selection selection = selector.select(user, app, null, directory.links(assigned),
                directory::inFlight);
        if (selection != null) {
            metrics.selected(selection.reason());
        }
        return selection;
    }

    private Selection select(FlowMetadata flow, List<String> assigned, PublisherLink excluded) {
        List<PublisherLink> links = directory.links(assigned);
        if (excluded != null) {
            List<PublisherLink> rest = new ArrayList<>();
            for (PublisherLink link : links) {
                boolean same = link.tunnel() == excluded.tunnel()
                        && link.publisher().equals(excluded.publisher());
                if (!same) {
                    rest.add(link);
                }
            }
            links = rest;
        }
        Selection selection = selector.select(flow.user(), flow.app(), flow.destination(), links,
                directory::inFlight);
        if (selection != null) {
            metrics.selected(selection.reason());
        }
        if (selection != null && log.isDebugEnabled()) {
            log.debug("publisher selected: flow={} user={} app={} destination={} publisher={} "
                            + "publisherGateway={} reason={} candidates={}", flow.flowId(),
                    flow.user(), flow.app(), flow.destination(), selection.link().publisher(),
                    selection.link().gateway(), selection.reason(), selection.candidates());
        }
        return selection;
    }

    private void openOn(FlowMetadata flow, List<String> assigned, PublisherLink link,
            boolean mayRetry, Outcome outcome) {
        FlowMetadata routed = flow.withPublisher(link.publisher());
        directory.flowStarted(link.publisher());
        link.tunnel().open(routed, outcome::openSent).addListener(f -> {
            if (f.isSuccess()) {
                selector.recordResult(link.publisher(), flow.destination(), OpenResult.CONNECTED);
                outcome.opened(routed, link, (Stream) f.getNow());
                return;
            }
            directory.flowEnded(link.publisher());
            OpenResult result = f.cause() instanceof FlowOpenException failure
                    ? failure.result() : OpenResult.INTERNAL_ERROR;
            String reason = f.cause().getMessage();
            selector.recordResult(link.publisher(), flow.destination(), result);
            if (mayRetry && routeGone(result)) {
                Selection next = select(flow, assigned, link);
                if (next != null) {
                    log.info("flow open failed, trying the next publisher: flow={} "
                                    + "publisher={} publisherGateway={} result={} reason=\"{}\" "
                                    + "nextPublisher={} nextPublisherGateway={}", flow.flowId(),
                            link.publisher(), link.gateway(), result, reason,
                            next.link().publisher(), next.link().gateway());
                    openOn(flow, assigned, next.link(), false, outcome);
                    return;
                }
            }
            outcome.failed(routed, link, result, reason);
        });
    }

    /** Returns whether a failed open means that the link is gone, not the app or destination. */
    private static boolean routeGone(OpenResult result) {
        return result == OpenResult.GOING_AWAY || result == OpenResult.NO_PUBLISHER;
    }
}

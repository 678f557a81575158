package io.ztna.agent.capture;

import io.netty.util.concurrent.Future;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.mux.Stream;

/**
 * Opens a flow through the tunnel. The future succeeds once the publisher has connected to the
 * app, and fails with {@link io.ztna.proto.mux.FlowOpenException} naming the result otherwise.
 */
@FunctionalInterface
public interface FlowOpener {

    Future<Stream> open(FlowMetadata flow);
}

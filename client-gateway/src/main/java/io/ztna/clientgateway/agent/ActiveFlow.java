package io.ztna.clientgateway.agent;

import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.relay.StreamBridge;

/**
 * A flow of an agent that is relaying now, kept so that a policy change can decide it again.
 *
 * @param flow the flow's metadata as routed
 * @param bridge the relay joining the agent's stream to the publisher gateway's
 */
record ActiveFlow(FlowMetadata flow, StreamBridge bridge) {
}

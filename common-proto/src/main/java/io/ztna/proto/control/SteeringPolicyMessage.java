package io.ztna.proto.control;

import io.ztna.proto.policy.SteeringPolicy;

/** Sent by the client gateway to an agent: the steering policy for the agent's user. */
public record SteeringPolicyMessage(SteeringPolicy policy) implements ControlMessage {
}

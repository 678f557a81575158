package io.ztna.proto.control;

/**
 * Sent by an agent to ask for its current steering policy. The gateway answers with a
 * {@link SteeringPolicyMessage}, even when the version is unchanged, so that the agent knows it
 * is current.
 *
 * @param version the version the agent holds, or 0 when it has none
 */
public record SteeringPolicyPullMessage(long version) implements ControlMessage {
}

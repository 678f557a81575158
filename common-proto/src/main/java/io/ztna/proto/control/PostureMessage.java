package io.ztna.proto.control;

import io.ztna.proto.posture.DevicePosture;

/** Sent by an agent to its client gateway after the handshake, periodically and on change. */
public record PostureMessage(DevicePosture posture) implements ControlMessage {
}

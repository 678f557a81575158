package io.ztna.proto.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A control message; its JSON names the kind in the {@code type} field. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = PresenceMessage.class, name = "presence"),
    @JsonSubTypes.Type(value = SteeringPolicyMessage.class, name = "srp"),
})
public sealed interface ControlMessage permits PresenceMessage, SteeringPolicyMessage {
}

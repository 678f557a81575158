package io.ztna.proto.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A control message; its JSON names the kind in the {@code type} field. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = PresenceMessage.class, name = "presence"),
    @JsonSubTypes.Type(value = SteeringPolicyMessage.class, name = "srp"),
    @JsonSubTypes.Type(value = SteeringPolicyPullMessage.class, name = "srp-pull"),
    @JsonSubTypes.Type(value = PostureMessage.class, name = "posture"),
    @JsonSubTypes.Type(value = ReauthChallengeMessage.class, name = "reauth-challenge"),
    @JsonSubTypes.Type(value = ReauthResponseMessage.class, name = "reauth-response"),
    @JsonSubTypes.Type(value = NoticeMessage.class, name = "notice"),
    @JsonSubTypes.Type(value = DnsQueryMessage.class, name = "dns-query"),
    @JsonSubTypes.Type(value = DnsAnswerMessage.class, name = "dns-answer"),
})
public sealed interface ControlMessage permits PresenceMessage, SteeringPolicyMessage,
        SteeringPolicyPullMessage, PostureMessage, ReauthChallengeMessage, ReauthResponseMessage,
        NoticeMessage, DnsQueryMessage, DnsAnswerMessage {
}

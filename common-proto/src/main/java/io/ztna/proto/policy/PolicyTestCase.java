package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import io.ztna.proto.frame.Protocol;
import io.ztna.proto.posture.DevicePostureConfig;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A test case a policy file may carry, checked by {@code policy check}:
 * <pre>
 * tests:
 *   - user: alice@example.com
 *     host: intranet.corp.internal
 *     protocol: tcp                 # optional, default tcp
 *     port: 18080
 *     expect: allow                 # allow or block
 *     posture:                      # optional; without it posture conditions count as met
 *       diskEncryption: fail        # see DevicePostureConfig
 * </pre>
 * {@code block} expects any denial: a block rule, unmet posture, or no rule at all.
 */
public record PolicyTestCase(String user, String host, Protocol protocol, int port,
        Expect expect, DevicePostureConfig posture) implements Validatable {

    /** The expected outcome, written {@code allow} or {@code block}. */
    public enum Expect { ALLOW, BLOCK }

    @JsonCreator
    public PolicyTestCase(@JsonProperty(value = "user", required = true) String user,
            @JsonProperty(value = "host", required = true) String host,
            @JsonProperty("protocol") Protocol protocol,
            @JsonProperty(value = "port", required = true) int port,
            @JsonProperty(value = "expect", required = true) Expect expect,
            @JsonProperty("posture") DevicePostureConfig posture) {
        this.user = Objects.requireNonNullElse(user, "");
        this.host = Objects.requireNonNullElse(host, "");
        this.protocol = protocol == null ? Protocol.TCP : protocol;
        this.port = port;
        this.expect = expect;
        this.posture = posture;
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        if (user.isBlank()) {
            context.fail("user", user, "a user id such as alice@example.com");
        }
        if (host.isBlank()) {
            context.fail("host", host, "a host name or IP address");
        }
        if (port < 1 || port > 65535) {
            context.fail("port", port, "a port from 1 to 65535");
        }
        if (expect == null) {
            context.fail("expect", "missing value: expected allow or block");
        }
        if (posture != null) {
            posture.validate(context.at("posture"));
        }
    }

    /** Returns the decision the engine makes for this case. */
    public Decision decide(PolicyEngine engine) {
        Principal principal = engine.principal(user, Set.of(),
                posture == null ? null : posture.toDevicePosture());
        return engine.catalog().match(host, protocol, port)
                .map(app -> engine.evaluate(principal, app))
                .orElseGet(() -> Decision.noApp(protocol, host, port));
    }

    /** Returns whether the decision is the expected one. */
    public boolean passes(Decision decision) {
        return decision.allowed() == (expect == Expect.ALLOW);
    }

    /**
     * Returns the flow in one line, {@code alice@example.com tcp intranet:80}, with an IPv6
     * host in brackets.
     */
    public String flow() {
        String hostText = host.indexOf(':') >= 0 && !host.startsWith("[")
                ? "[" + host + "]" : host;
        return user + " " + protocol.name().toLowerCase(Locale.ROOT) + " " + hostText + ":"
                + port;
    }

    /** Returns the case in one line: {@code alice@example.com tcp intranet:80 -> allow}. */
    public String describe() {
        return flow() + " -> " + expect.name().toLowerCase(Locale.ROOT);
    }
}

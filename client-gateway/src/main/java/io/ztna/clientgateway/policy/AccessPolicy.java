package io.ztna.clientgateway.policy;

import io.ztna.proto.config.ConfigException;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.SteeringPolicyMessage;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.policy.App;
import io.ztna.proto.policy.Decision;
import io.ztna.proto.policy.LoadedPolicy;
import io.ztna.proto.policy.PolicyEngine;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client gateway's access policy: finds the app that covers a flow's destination and
 * evaluates the rules for the user, whatever the agent's steering policy contains.
 */
public final class AccessPolicy {

    private static final Logger log = LoggerFactory.getLogger(AccessPolicy.class);

    private final PolicyEngine engine;

    AccessPolicy(PolicyEngine engine) {
        this.engine = engine;
    }

    /**
     * Reads a policy file and the directory file it names, and logs each warning, such as a
     * rule naming a group that no user has.
     *
     * @throws ConfigException naming the file, line, field and what is expected
     */
    public static AccessPolicy load(Path file) throws ConfigException {
        LoadedPolicy loaded = LoadedPolicy.load(file);
        for (String warning : loaded.warnings()) {
            log.warn("policy warning: {}", warning);
        }
        return new AccessPolicy(loaded.toEngine(System.currentTimeMillis()));
    }

    public int appCount() {
        return engine.catalog().apps().size();
    }

    /** Decides one flow of a user; the user comes from the agent's certificate. */
    public AccessDecision decide(String user, FlowMetadata flow) {
        Optional<App> app = engine.catalog().match(flow.host(), flow.protocol(), flow.port());
        if (app.isEmpty()) {
            return AccessDecision.deny(null, "no app covers " + flow.protocol().name().toLowerCase()
                    + " " + flow.destination());
        }
        Decision decision = engine.evaluate(user, app.get());
        if (!decision.allowed()) {
            return AccessDecision.deny(app.get().name(), decision.reason());
        }
        return AccessDecision.allow(app.get().name(), app.get().publishers(), decision.rule());
    }

    /** Returns the control message carrying the user's steering policy. */
    public String steeringPolicyJson(String user) {
        return ControlCodec.encode(new SteeringPolicyMessage(engine.steeringPolicyFor(user)));
    }
}

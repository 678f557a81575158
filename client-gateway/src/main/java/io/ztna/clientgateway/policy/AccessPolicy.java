package io.ztna.clientgateway.policy;

import io.ztna.proto.config.ConfigException;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.policy.App;
import io.ztna.proto.policy.Decision;
import io.ztna.proto.policy.LoadedPolicy;
import io.ztna.proto.policy.PolicyEngine;
import io.ztna.proto.policy.Principal;
import io.ztna.proto.policy.Reauthentication;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.posture.DevicePosture;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One version of the client gateway's access policy: finds the app that covers a flow's
 * destination and evaluates the rules for the user and device, whatever the agent's steering
 * policy contains. Immutable; a reload builds a new one.
 */
public final class AccessPolicy {

    private final LoadedPolicy source;
    private final PolicyEngine engine;

    AccessPolicy(LoadedPolicy source, PolicyEngine engine) {
        this.source = source;
        this.engine = engine;
    }

    /**
     * Reads a policy file and the directory file it names.
     *
     * @param version the version of the steering policies built from it
     */
    public static AccessPolicy load(Path file, long version) throws ConfigException {
        LoadedPolicy loaded = LoadedPolicy.load(file);
        return new AccessPolicy(loaded, loaded.toEngine(version));
    }

    public static AccessPolicy load(Path file) throws ConfigException {
        return load(file, System.currentTimeMillis());
    }

    public LoadedPolicy source() {
        return source;
    }

    public PolicyEngine engine() {
        return engine;
    }

    public long version() {
        return engine.version();
    }

    public int appCount() {
        return engine.catalog().apps().size();
    }

    /** Returns whether the directory lists the user. */
    public boolean knows(String user) {
        return engine.knows(user);
    }

    /** Returns the user as rules see it, with the device's last reported posture. */
    public Principal principal(String user, DevicePosture posture) {
        return engine.principal(user, Set.of(), posture);
    }

    /** Decides one flow of a user; the user comes from the agent's certificate. */
    public AccessDecision decide(Principal principal, FlowMetadata flow) {
        Optional<App> app = engine.catalog().match(flow.host(), flow.protocol(), flow.port());
        if (app.isEmpty()) {
            return AccessDecision.deny(null, "no app covers "
                    + flow.protocol().name().toLowerCase(Locale.ROOT) + " " + flow.destination(),
                    null, false);
        }
        Decision decision = engine.evaluate(principal, app.get());
        if (!decision.allowed()) {
            return AccessDecision.deny(app.get().name(), decision.reason(), decision.rule(),
                    decision.notifyUser());
        }
        return AccessDecision.allow(app.get().name(), app.get().publishers(), decision.rule());
    }

    /** Returns the steering policy of a principal. */
    public SteeringPolicy steeringPolicy(Principal principal) {
        return engine.steeringPolicyFor(principal);
    }

    /** Returns the re-authentication schedule of a principal. */
    public Reauthentication.Schedule reauthentication(Principal principal) {
        return engine.reauthenticationFor(principal);
    }
}

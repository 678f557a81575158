package io.ztna.clientgateway.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ztna.proto.frame.Protocol;
import io.ztna.proto.policy.App;
import io.ztna.proto.policy.AppProtocol;
import io.ztna.proto.policy.Explanation;
import io.ztna.proto.policy.HostPattern;
import io.ztna.proto.policy.PolicyEngine;
import io.ztna.proto.policy.RuleTrace;
import io.ztna.proto.policy.SteeringPolicy.SteeredApp;
import io.ztna.proto.policy.User;
import io.ztna.proto.posture.DevicePosture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code policy explain} prints for one flow, as JSON (the record's fields, in order) or
 * as text lines ({@link #text}).
 *
 * @param decision {@code ALLOW} or {@code DENY}
 * @param rule the deciding rule, or null when no rule applied
 * @param notifyUser whether the deciding block rule requests a notice to the user
 * @param app the app that covers the destination, or null when none does
 * @param rules how each rule that lists the app fared, in rule name order
 */
record ExplainReport(Flow flow, String decision, String reason, String rule,
        @JsonProperty("notify") boolean notifyUser, AppEntry app, UserEntry user,
        PostureEntry posture, List<RuleEntry> rules, SteeringEntry steering) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The flow explained. */
    record Flow(String user, String protocol, String host, int port) {
    }

    /** An app with the fields that decide which flows it covers and who serves it. */
    record AppEntry(String name, List<HostPattern> hosts, List<AppProtocol> protocols,
            List<String> publishers) {
    }

    /**
     * The user as the directory lists it.
     *
     * @param ou the organisational unit, or null when the user has none or is not listed
     */
    record UserEntry(String id, boolean inDirectory, List<String> groups, String ou) {
    }

    /**
     * The device posture the rules were evaluated with.
     *
     * @param considered false when no posture was given, and then every condition counts as met
     * @param file the posture file, or null when none was given
     * @param state the posture read from the file, or null when none was given
     */
    record PostureEntry(boolean considered, String file, DevicePosture state) {
    }

    /** The outcome of one rule, whose {@code action} is {@code allow} or {@code block}. */
    record RuleEntry(String rule, String action, boolean applied, String why) {
    }

    /**
     * The user's steering policy for this destination.
     *
     * @param coverage {@code steer}, {@code blocked} or {@code not-covered}
     * @param entry the entry that covers the destination, or null when none does
     */
    record SteeringEntry(long version, String coverage, SteeredApp entry) {
    }

    /**
     * Builds the report of an explanation.
     *
     * @param users the directory's users, to show how it lists the flow's user
     * @param posture the posture the engine used, or null when none was given
     * @param postureFile the file the posture came from, or null
     */
    static ExplainReport of(PolicyEngine engine, List<User> users, Explanation explanation,
            String userId, Protocol protocol, String host, int port, DevicePosture posture,
            Path postureFile) {
        Flow flow = new Flow(userId, protocol.name().toLowerCase(Locale.ROOT), host, port);
        AppEntry app = explanation.app() == null ? null
                : engine.catalog().byName(explanation.app()).map(ExplainReport::appEntry)
                        .orElse(null);
        User listed = users.stream().filter(user -> user.id().equals(userId)).findFirst()
                .orElse(null);
        UserEntry user = listed == null ? new UserEntry(userId, false, List.of(), null)
                : new UserEntry(userId, true, listed.groups(), listed.ou());
        PostureEntry postureEntry = new PostureEntry(posture != null,
                postureFile == null ? null : postureFile.toString(), posture);
        List<RuleEntry> rules = explanation.rules().stream().map(ExplainReport::ruleEntry)
                .toList();
        SteeredApp entry = explanation.steeringEntry();
        String coverage = entry == null ? "not-covered"
                : entry.rule() != null ? "blocked" : "steer";
        return new ExplainReport(flow, explanation.decision().verdict().name(),
                explanation.decision().reason(), explanation.decision().rule(),
                explanation.decision().notifyUser(), app, user, postureEntry, rules,
                new SteeringEntry(explanation.steeringVersion(), coverage, entry));
    }

    private static AppEntry appEntry(App app) {
        return new AppEntry(app.name(), app.hosts(), app.protocols(), app.publishers());
    }

    private static RuleEntry ruleEntry(RuleTrace trace) {
        return new RuleEntry(trace.rule(), trace.action().name().toLowerCase(Locale.ROOT),
                trace.applied(), trace.why());
    }

    boolean allowed() {
        return decision.equals("ALLOW");
    }

    /** Returns the report as one line of JSON. */
    String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("failed to write the report as JSON", e);
        }
    }

    /** Returns the report as text lines, each {@code label: value}. */
    List<String> text() {
        List<String> lines = new ArrayList<>();
        lines.add("flow: " + flow.user() + " " + flow.protocol() + " "
                + (flow.host().indexOf(':') >= 0 ? "[" + flow.host() + "]" : flow.host())
                + ":" + flow.port());
        lines.add("decision: " + decision + ", " + reason);
        if (notifyUser) {
            lines.add("notify: yes, rule " + rule + " requests a notice to the user");
        }
        lines.add(app == null ? "app: none covers the destination" : "app: " + describe(app));
        lines.add("user: " + describe(user));
        lines.add("posture: " + describe(posture));
        if (app == null) {
            lines.add("rules: none, because no app covers the destination");
        } else if (rules.isEmpty()) {
            lines.add("rules that list app " + app.name() + ": none");
        } else {
            lines.add("rules that list app " + app.name() + ":");
            for (RuleEntry entry : rules) {
                lines.add("  " + (entry.applied() ? "applied    " : "not applied") + "  "
                        + entry.rule() + " (" + entry.action() + "): " + entry.why());
            }
        }
        lines.add("steering policy: version " + steering.version());
        lines.add("steering entry: " + describe(steering));
        return lines;
    }

    private static String describe(AppEntry app) {
        return app.name() + ", hosts " + app.hosts() + ", protocols " + app.protocols()
                + ", publishers " + app.publishers();
    }

    private static String describe(UserEntry user) {
        if (!user.inDirectory()) {
            return user.id() + ", not in the directory, so only rules for everyone apply";
        }
        return user.id() + ", groups " + user.groups() + ", "
                + (user.ou() == null ? "no ou" : "ou " + user.ou());
    }

    private static String describe(PostureEntry posture) {
        if (!posture.considered()) {
            return "not given, so every posture condition counts as met";
        }
        DevicePosture state = posture.state();
        StringBuilder text = new StringBuilder("from ").append(posture.file())
                .append(": diskEncryption ").append(state.diskEncryption().text())
                .append(", firewall ").append(state.firewall().text())
                .append(", screenLock ").append(state.screenLock().text());
        state.checks().forEach((name, check) ->
                text.append(", check ").append(name).append(' ').append(check.text()));
        text.append(", os '").append(state.osName()).append("' '").append(state.osVersion())
                .append("', agentVersion '").append(state.agentVersion()).append('\'');
        return text.toString();
    }

    private static String describe(SteeringEntry steering) {
        SteeredApp entry = steering.entry();
        if (entry == null) {
            return "none, so the agent does not tunnel this destination (it connects it "
                    + "directly or rejects it, as its 'uncovered' setting says)";
        }
        String target = "app " + entry.name() + ", hosts " + entry.hosts() + ", protocols "
                + entry.protocols();
        if (entry.rule() == null) {
            return "steered into the tunnel as " + target;
        }
        return "blocked by rule " + entry.rule() + (entry.notifyUser() ? " with notify" : "")
                + ", " + target;
    }
}

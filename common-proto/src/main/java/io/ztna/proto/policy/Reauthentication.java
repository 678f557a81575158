package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * How often agents must re-authenticate, per group or by default.
 * <pre>
 * reauthentication:
 *   default: {interval: 12h, grace: 5m}
 *   groups:
 *     - {group: contractors, interval: 1h, grace: 2m}
 * </pre>
 * A user in several listed groups gets the shortest interval among them. Without the section,
 * every user re-authenticates every 12 hours with 5 minutes of grace.
 */
public record Reauthentication(Schedule defaults, List<GroupSchedule> groups)
        implements Validatable {

    /** The schedule used when the file has no {@code reauthentication} section. */
    public static final Reauthentication DEFAULTS = new Reauthentication(null, null);

    @JsonCreator
    public Reauthentication(@JsonProperty("default") Schedule defaults,
            @JsonProperty("groups") List<GroupSchedule> groups) {
        this.defaults = defaults == null
                ? new Schedule(Duration.ofHours(12), Duration.ofMinutes(5)) : defaults;
        this.groups = groups == null ? List.of() : List.copyOf(groups);
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        defaults.validate(context.at("default"));
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).validate(context.at("groups", i));
        }
    }

    /** Returns the schedule of a user with these groups. */
    public Schedule scheduleFor(Set<String> userGroups) {
        Schedule chosen = null;
        for (GroupSchedule entry : groups) {
            if (userGroups.contains(entry.group()) && (chosen == null
                    || entry.schedule().interval().compareTo(chosen.interval()) < 0)) {
                chosen = entry.schedule();
            }
        }
        return chosen == null ? defaults : chosen;
    }

    /**
     * An interval between challenges and the grace period an agent has to answer one.
     *
     * @param interval time from tunnel establishment, or from the last success, to a challenge
     * @param grace time the agent has to answer before the tunnel is closed
     */
    public record Schedule(Duration interval, Duration grace) implements Validatable {

        @JsonCreator
        public Schedule(@JsonProperty(value = "interval", required = true) Duration interval,
                @JsonProperty(value = "grace", required = true) Duration grace) {
            this.interval = interval;
            this.grace = grace;
        }

        @Override
        public void validate(ValidationContext context) throws ConfigException {
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                context.fail("interval", interval.toMillis() + "ms", "a duration of at least 1s");
            }
            if (grace.compareTo(Duration.ofMillis(100)) < 0) {
                context.fail("grace", grace.toMillis() + "ms", "a duration of at least 100ms");
            }
        }
    }

    /** A group's schedule. */
    public record GroupSchedule(String group, Schedule schedule) implements Validatable {

        @JsonCreator
        public GroupSchedule(@JsonProperty(value = "group", required = true) String group,
                @JsonProperty(value = "interval", required = true) Duration interval,
                @JsonProperty(value = "grace", required = true) Duration grace) {
            this(group, new Schedule(interval, grace));
        }

        @Override
        public void validate(ValidationContext context) throws ConfigException {
            if (group == null || group.isBlank()) {
                context.fail("group", group, "a group name");
            }
            schedule.validate(context);
        }
    }
}

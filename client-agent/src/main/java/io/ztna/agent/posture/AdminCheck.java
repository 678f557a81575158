package io.ztna.agent.posture;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A posture check that an administrator defines in the agent's config, reported under its name.
 * A file check passes when the file exists. A command check passes when the program, run
 * without a shell, exits with status 0 within the timeout; its output is discarded.
 *
 * @param name the name the check is reported under, unique within the config
 * @param file the file whose existence passes the check, or null for a command check
 * @param command the program and its arguments, or empty for a file check. A program without a
 *     slash is searched on the agent's {@code PATH}.
 * @param timeout how long a command check may run before it is killed and fails, or null when
 *     the config does not set it; see {@link #commandTimeout()}
 */
public record AdminCheck(String name, Path file, List<String> command, Duration timeout)
        implements Validatable {

    /** The timeout of a command check that sets none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final String EXACTLY_ONE = "expected exactly one of file: PATH or "
            + "command: [PROGRAM, ARGUMENT...]";

    @JsonCreator
    public AdminCheck(@JsonProperty(value = "name", required = true) String name,
            @JsonProperty("file") Path file,
            @JsonProperty("command") List<String> command,
            @JsonProperty("timeout") Duration timeout) {
        this.name = Objects.requireNonNullElse(name, "");
        this.file = file;
        this.command = command == null ? null : List.copyOf(command);
        this.timeout = timeout;
    }

    /** Returns whether this is a command check; otherwise it is a file check. */
    public boolean isCommand() {
        return command != null;
    }

    /** Returns the timeout of a command check: the configured one or {@link #DEFAULT_TIMEOUT}. */
    public Duration commandTimeout() {
        return timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** Returns this check with a relative {@code file} resolved against {@code baseDir}. */
    public AdminCheck resolve(Path baseDir) {
        return file == null ? this : new AdminCheck(name, baseDir.resolve(file), command, timeout);
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        if (name.isBlank()) {
            context.fail("name", name, "a non-empty check name");
        }
        if (file != null && command != null) {
            context.fail("", "check '" + name + "' has both file and command: " + EXACTLY_ONE);
        }
        if (file == null && command == null) {
            context.fail("", "check '" + name + "' has neither file nor command: " + EXACTLY_ONE);
        }
        if (file != null) {
            validateFile(context);
        } else {
            validateCommand(context);
        }
    }

    private void validateFile(ValidationContext context) throws ConfigException {
        if (file.toString().isEmpty()) {
            context.fail("file", "", "a file path");
        }
        if (timeout != null) {
            context.fail("timeout", "timeout is set on file check '" + name
                    + "': expected timeout only on a command check");
        }
    }

    private void validateCommand(ValidationContext context) throws ConfigException {
        if (command.isEmpty()) {
            context.fail("command", "command is empty: expected a program and its arguments, "
                    + "such as [pgrep, -x, edr-daemon]");
        }
        for (int i = 0; i < command.size(); i++) {
            if (command.get(i).isEmpty()) {
                context.fail("command[" + i + "]", "", i == 0 ? "a program name or path"
                        : "a non-empty argument");
            }
        }
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            context.fail("timeout", PostureSection.NOT_POSITIVE);
        }
    }
}

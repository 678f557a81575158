package io.ztna.proto.config;

import com.fasterxml.jackson.core.JsonLocation;
import java.nio.file.Path;

/**
 * The position of a config object in its file, used to report a validation error with the
 * file, line, column and field path of the offending value. Immutable.
 *
 * <p>Paths are written as in {@code rules[1].apps[0]}: field names joined by dots, list
 * indexes in brackets. Methods take paths relative to this context; {@link #at} narrows it.
 */
public final class ValidationContext {

    private final Path file;
    private final YamlLocator locator;
    private final String prefix;

    private ValidationContext(Path file, YamlLocator locator, String prefix) {
        this.file = file;
        this.locator = locator;
        this.prefix = prefix;
    }

    /** Creates the context of a file's root object. */
    public static ValidationContext root(Path file, YamlLocator locator) {
        return new ValidationContext(file, locator, "");
    }

    /** Returns the context of a nested object, such as {@code at("apps[2]")}. */
    public ValidationContext at(String relativePath) {
        return new ValidationContext(file, locator, path(relativePath));
    }

    /** Returns the context of one list element, such as {@code at("apps", 2)}. */
    public ValidationContext at(String field, int index) {
        return at(field + "[" + index + "]");
    }

    /** Returns the file that messages name. */
    public Path file() {
        return file;
    }

    /** Returns the absolute path of a field below this context. */
    public String path(String relativePath) {
        return join(prefix, relativePath);
    }

    /** Returns the line of a field below this context, or -1 when the file does not have it. */
    public int line(String relativePath) {
        JsonLocation location = locator.locate(path(relativePath));
        return location == null ? -1 : location.getLineNr();
    }

    /**
     * Reports a value of the wrong form or out of range. Always throws.
     *
     * @param expected the accepted values, such as {@code "a port from 1 to 65535"}
     * @throws ConfigException with the message {@code invalid value 'VALUE': expected EXPECTED}
     */
    public void fail(String relativePath, Object value, String expected) throws ConfigException {
        fail(relativePath, "invalid value '" + value + "': expected " + expected);
    }

    /**
     * Reports any other problem, such as a duplicate name or a reference to an unknown app.
     * Always throws.
     *
     * @throws ConfigException with {@code problem} after the file, line and path
     */
    public void fail(String relativePath, String problem) throws ConfigException {
        throw error(path(relativePath), problem, null);
    }

    YamlLocator locator() {
        return locator;
    }

    /**
     * Creates the exception for a problem at an absolute path. The line comes from the
     * locator, from the nearest enclosing field the file has, else from {@code fallback}.
     */
    ConfigException error(String absolutePath, String problem, JsonLocation fallback) {
        JsonLocation location = locator.locateNearest(absolutePath);
        if (location == null) {
            location = fallback;
        }
        StringBuilder message = new StringBuilder(file.toString());
        if (location != null && location.getLineNr() > 0) {
            message.append(':').append(location.getLineNr())
                    .append(':').append(location.getColumnNr());
        }
        message.append(": ");
        if (!absolutePath.isEmpty()) {
            message.append(absolutePath).append(": ");
        }
        return new ConfigException(message.append(problem).toString());
    }

    /** Appends a relative path to a prefix: {@code join("apps[2]", "hosts[0]")}. */
    static String join(String prefix, String relativePath) {
        if (prefix.isEmpty()) {
            return relativePath;
        }
        if (relativePath.isEmpty()) {
            return prefix;
        }
        return relativePath.startsWith("[") ? prefix + relativePath : prefix + "." + relativePath;
    }
}

package io.ztna.agent.posture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The operating system's name and version from an os-release(5) file.
 *
 * @param name the {@code NAME} field, such as {@code Debian GNU/Linux}, or empty
 * @param version the {@code VERSION_ID} field, such as {@code 12}, or empty
 */
public record OsRelease(String name, String version) {

    /** Result when no os-release file is readable. */
    public static final OsRelease UNKNOWN = new OsRelease("", "");

    /** Upper bound on the bytes read from one file. Typical os-release files are under 1 KiB. */
    private static final int MAX_BYTES = 64 * 1024;

    /** Reads the first of {@code files} that can be read, or returns {@link #UNKNOWN}. */
    public static OsRelease read(List<Path> files) {
        for (Path file : files) {
            try {
                return parse(readBounded(file));
            } catch (IOException e) {
                // os-release(5): try the next file when one is missing or unreadable.
            }
        }
        return UNKNOWN;
    }

    /**
     * Parses os-release text: {@code KEY=VALUE} lines, values optionally in double or single
     * quotes with backslash escapes inside double quotes. Comments and malformed lines are
     * skipped.
     */
    public static OsRelease parse(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\n", -1)) {
            String stripped = line.strip();
            int equals = stripped.indexOf('=');
            if (stripped.isEmpty() || stripped.startsWith("#") || equals <= 0) {
                continue;
            }
            fields.put(stripped.substring(0, equals), unquote(stripped.substring(equals + 1)));
        }
        return new OsRelease(fields.getOrDefault("NAME", ""),
                fields.getOrDefault("VERSION_ID", ""));
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1);
        }
        if (value.length() < 2 || !value.startsWith("\"") || !value.endsWith("\"")) {
            return value;
        }
        StringBuilder unquoted = new StringBuilder();
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() - 1) {
                i++;
                c = value.charAt(i);
            }
            unquoted.append(c);
        }
        return unquoted.toString();
    }

    private static String readBounded(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8);
        }
    }
}

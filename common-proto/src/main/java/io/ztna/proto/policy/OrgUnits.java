package io.ztna.proto.policy;

import java.util.Locale;

/**
 * Organisational unit paths such as {@code /corp/eng/platform}: a slash, then one or more
 * non-empty segments separated by slashes, or {@code /} alone for the root. Paths compare
 * case-insensitively, and a unit contains itself and every unit below it.
 */
public final class OrgUnits {

    static final String EXPECTED = "an organisational unit path such as /corp/eng";

    private OrgUnits() {
    }

    /** Returns the lower-case form of a path, or null when the text is not a valid path. */
    public static String normalise(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        if (path.equals("/")) {
            return path;
        }
        if (path.endsWith("/") || path.contains("//")) {
            return null;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return null;
            }
        }
        return path.toLowerCase(Locale.ROOT);
    }

    /** Returns whether {@code unit} is {@code ancestor} or below it; both must be normalised. */
    public static boolean contains(String ancestor, String unit) {
        if (ancestor.equals("/") || ancestor.equals(unit)) {
            return true;
        }
        return unit.startsWith(ancestor) && unit.charAt(ancestor.length()) == '/';
    }
}

package io.ztna.proto.frame;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Flow ids: 16 lowercase hex digits, random, unique enough to follow one flow through every
 * tier's logs. The agent creates the id and sends it in OPEN, and the client gateway keeps it
 * when it has this form and creates a new one otherwise. An id is a log key only, never an access
 * decision, so an agent that reuses ids confuses only its own logs.
 */
public final class FlowIds {

    /** Length of an id in hex digits. */
    public static final int LENGTH = 16;

    private FlowIds() {
    }

    /** Returns a new random id. */
    public static String next() {
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    /** Returns whether {@code id} has the form of {@link #next()}: 16 lowercase hex digits. */
    public static boolean isValid(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Returns {@code requested} when it is a valid id, else a new one. */
    public static String adoptOrCreate(String requested) {
        return isValid(requested) ? requested : next();
    }
}

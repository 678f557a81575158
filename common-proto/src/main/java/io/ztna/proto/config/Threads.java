package io.ztna.proto.config;

/** The {@code threads} option of every daemon: event loop threads, 0 for two per core. */
public final class Threads {

    static final String EXPECTED = "0 or more, where 0 means two event loop threads per core";

    private Threads() {
    }

    /**
     * Checks that the thread count is 0 or more.
     *
     * @throws ConfigException naming the field and the value otherwise
     */
    public static void check(ValidationContext context, String field, int threads)
            throws ConfigException {
        if (threads < 0) {
            context.fail(field, threads, EXPECTED);
        }
    }
}

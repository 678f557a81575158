package io.ztna.proto.relay;

/**
 * Receives the payload bytes a relay moves as it moves them, so that metrics show the progress
 * of long flows and not only their totals at the end. Up is from the client toward the app.
 * Called on event loops, once per read or write: implementations must be cheap and thread-safe.
 */
public interface ByteCounter {

    /** A counter that ignores every count. */
    ByteCounter NONE = new ByteCounter() {
        @Override
        public void up(long bytes) {
        }

        @Override
        public void down(long bytes) {
        }
    };

    /** Counts bytes moved from the client toward the app. */
    void up(long bytes);

    /** Counts bytes moved from the app toward the client. */
    void down(long bytes);
}

package io.ztna.proto.mux;

import io.ztna.proto.frame.OpenResult;

/** A stream open failed; {@link #result()} says why, for the reply to the app client. */
public final class FlowOpenException extends Exception {

    private final OpenResult result;

    public FlowOpenException(OpenResult result, String reason) {
        super(reason == null || reason.isEmpty() ? result.name() : reason, null, false, false);
        this.result = result;
    }

    public OpenResult result() {
        return result;
    }
}

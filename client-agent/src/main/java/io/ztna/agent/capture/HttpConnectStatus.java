package io.ztna.agent.capture;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.ztna.proto.frame.OpenResult;

/**
 * The HTTP status and the short reason of the HTTP CONNECT proxy's response to each failed
 * open. The reason is the response body, so it names only the kind of failure, never details
 * from the tunnel.
 */
final class HttpConnectStatus {

    private HttpConnectStatus() {
    }

    /**
     * Returns the status for a failed open. It is 403 when the client gateway denied the flow,
     * 502 when the app or its publisher could not be reached, and 503 while the agent has no
     * tunnel. A timeout or a failed DNS lookup at the far end gets 504.
     */
    static HttpResponseStatus of(OpenResult result) {
        return switch (result) {
            case DENIED_BY_POLICY -> HttpResponseStatus.FORBIDDEN;
            case NO_PUBLISHER, APP_REFUSED, APP_UNREACHABLE, INTERNAL_ERROR ->
                    HttpResponseStatus.BAD_GATEWAY;
            case GOING_AWAY -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case DNS_FAILURE, TIMED_OUT -> HttpResponseStatus.GATEWAY_TIMEOUT;
            // CONNECTED is never a failure; a caller that passes it has a bug.
            case CONNECTED -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }

    /** Returns the response body's reason for a failed open, one line without a newline. */
    static String reason(OpenResult result) {
        return switch (result) {
            case DENIED_BY_POLICY -> "access denied by policy";
            case NO_PUBLISHER -> "no publisher serves this app";
            case APP_REFUSED -> "the app refused the connection";
            case APP_UNREACHABLE -> "the app is unreachable";
            case INTERNAL_ERROR -> "the connection failed on the way to the app";
            case GOING_AWAY -> "no tunnel to the client gateway";
            case DNS_FAILURE -> "the app's name could not be resolved";
            case TIMED_OUT -> "timed out connecting to the app";
            case CONNECTED -> "connected";
        };
    }
}

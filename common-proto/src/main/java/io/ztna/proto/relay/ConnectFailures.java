package io.ztna.proto.relay;

import io.netty.channel.ConnectTimeoutException;
import io.ztna.proto.frame.OpenResult;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Maps the cause of a failed TCP connect to the open result, and so to the client's reply. */
public final class ConnectFailures {

    private ConnectFailures() {
    }

    public static OpenResult resultOf(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return OpenResult.TIMED_OUT;
        }
        if (cause instanceof UnknownHostException) {
            return OpenResult.DNS_FAILURE;
        }
        if (cause instanceof NoRouteToHostException) {
            return OpenResult.APP_UNREACHABLE;
        }
        String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("refused")) {
            return OpenResult.APP_REFUSED;
        }
        if (message.contains("timed out")) {
            return OpenResult.TIMED_OUT;
        }
        if (cause instanceof ConnectException || message.contains("unreachable")
                || message.contains("no route")) {
            return OpenResult.APP_UNREACHABLE;
        }
        return OpenResult.APP_UNREACHABLE;
    }
}

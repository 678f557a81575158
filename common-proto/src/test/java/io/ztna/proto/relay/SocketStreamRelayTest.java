package io.ztna.proto.relay;

/** Flows through one tunnel: client socket, relay, tunnel, relay, app socket. */
class SocketStreamRelayTest extends FlowPathScenarios {

    @Override
    boolean viaGateway() {
        return false;
    }
}

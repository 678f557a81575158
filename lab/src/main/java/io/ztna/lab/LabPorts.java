package io.ztna.lab;

/**
 * Loopback ports the lab uses. Every one can be changed with an option of {@code bin/lab up}.
 *
 * @param socks agent SOCKS5 listener
 * @param clientGateway client gateway's agent listener
 * @param publisherGateway publisher gateway's listener
 * @param adminBase first of four admin ports: agent, client gateway, publisher gateway,
 *     publisher; 0 gives each daemon a port the system picks
 * @param demoHttp demo web app
 * @param demoEcho demo TCP echo app
 */
record LabPorts(int socks, int clientGateway, int publisherGateway, int adminBase, int demoHttp,
        int demoEcho) {

    int agentAdmin() {
        return adminBase == 0 ? 0 : adminBase;
    }

    int clientGatewayAdmin() {
        return adminBase == 0 ? 0 : adminBase + 1;
    }

    int publisherGatewayAdmin() {
        return adminBase == 0 ? 0 : adminBase + 2;
    }

    int publisherAdmin() {
        return adminBase == 0 ? 0 : adminBase + 3;
    }
}

/** Agent tunnels: every flow an agent opens is decided, routed and relayed here. */
package io.ztna.clientgateway.agent;

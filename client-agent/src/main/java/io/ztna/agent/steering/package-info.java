/** The steering policy the agent received: which destinations go into the tunnel. */
package io.ztna.agent.steering;

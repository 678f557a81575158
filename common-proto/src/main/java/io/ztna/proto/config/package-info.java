/** Loading of YAML config files into validated immutable objects, with located errors. */
package io.ztna.proto.config;

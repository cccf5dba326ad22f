package dev.portcullis.pac4j;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.config.RoleMapper.DropReason;
import dev.portcullis.config.RoleMapper.Dropped;
import dev.portcullis.config.RoleMapper.Roles;

/**
 * Makes visible at sign-in what the role policy did not grant: an IdP value dropped because it is one
 * of Tomcat's administrative roles (one audit line per value, naming it, the user and the attribute),
 * values dropped by {@code allowedRoles} (one line per attribute with their count, never the values),
 * and a role attribute the assertion did not carry at all (one line naming the attributes that were
 * present, names only). Without this a user signs in with no roles and meets 403s nobody can explain.
 * Each goes to the audit log and, with the correlation id of the sign-in, to portcullis.log. Thread-safe.
 */
public final class RoleReport {

    private static final Logger LOG = LogManager.getLogger(RoleReport.class);

    private final AuditLog audit;

    public RoleReport(AuditLog audit) {
        this.audit = audit;
    }

    /**
     * @param presentAttributes the names of every attribute the assertion carried
     */
    public void report(Roles roles, String user, String idp, Collection<String> presentAttributes, String client,
                       String correlationId) {
        if (!roles.missingAttributes().isEmpty()) {
            String present = String.join(", ", presentAttributes);
            for (String attribute : roles.missingAttributes()) {
                LOG.warn("Sign-in of [{}], correlation [{}]: the role attribute [{}] is not in the assertion, so the user has"
                        + " no roles from it; attributes present: [{}]. Have the IdP release it, or correct roleAttributes.",
                        user, correlationId, attribute, present);
                audit.roleAttributeMissing(user, idp, attribute, present, client, correlationId);
            }
        }
        Map<String, Integer> notAllowed = new LinkedHashMap<>();
        for (Dropped dropped : roles.dropped()) {
            if (dropped.reason() == DropReason.TOMCAT_ADMIN_ROLE) {
                LOG.warn("Sign-in of [{}], correlation [{}]: the IdP value [{}] of attribute [{}] is one of Tomcat's"
                        + " administrative roles and was dropped; only roleMapping can grant it.", user, correlationId,
                        dropped.value(), dropped.attribute());
                audit.roleDropped(user, idp, dropped.attribute(), dropped.reason().code(), dropped.value(), 1, client,
                        correlationId);
            } else {
                notAllowed.merge(dropped.attribute(), 1, Integer::sum);
            }
        }
        notAllowed.forEach((attribute, count) -> {
            LOG.info("Sign-in of [{}], correlation [{}]: {} value(s) of attribute [{}] are not in allowedRoles and were"
                    + " dropped.", user, correlationId, count, attribute);
            audit.roleDropped(user, idp, attribute, DropReason.NOT_ALLOWED.code(), null, count, client, correlationId);
        });
    }
}

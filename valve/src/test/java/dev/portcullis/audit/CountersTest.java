package dev.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;

/** Every audit event is counted once, under its written-out key; codes listed up front read 0. */
class CountersTest {

    private final Counters counters = new Counters().refusalCodes(List.of("invalid_signature", "replayed"));
    private final AuditLog audit = new AuditLog(LogManager.getLogger("test.audit"), counters);

    @Test
    void eachAuditEventCountsOnce() {
        audit.loginSuccess("alice", "idp", "h", "1.2.3.4", "C", null, false);
        audit.loginSuccess("alice", "idp", "h", "1.2.3.4", "C", "mfa", true);
        audit.loginFailure("invalid_signature", "idp", "1.2.3.4", "C");
        audit.logout("alice", "idp", "h", "1.2.3.4", AuditLog.LogoutCause.LOCAL);
        audit.logout("bob", "idp", "-", "1.2.3.4", AuditLog.LogoutCause.IDP);
        audit.sessionExpired("carol", "idp", "h", "1.2.3.4", AuditLog.ExpiryCause.IDLE);
        audit.sessionExpired("dave", "idp", "h", "1.2.3.4", AuditLog.ExpiryCause.LIFETIME);
        audit.logoutFailure("replayed", "idp", "1.2.3.4", "C");
        audit.signInRateLimited("1.2.3.4", "1.2.3.4", 7);
        audit.adminAction("jmx", AuditLog.AdminAction.END_SESSIONS_OF, "erin", 3);
        audit.adminAction("jmx", AuditLog.AdminAction.REFRESH_IDP_METADATA, null, 0);

        assertThat(counters.signIns()).isEqualTo(2);
        assertThat(counters.stepUps()).isEqualTo(1);
        assertThat(counters.refusedByCode()).containsEntry("invalid_signature", 1L).containsEntry("replayed", 0L);
        assertThat(counters.logoutsRefusedByCode()).containsEntry("replayed", 1L).containsEntry("invalid_signature", 0L);
        assertThat(counters.logoutsByKind()).containsExactly(java.util.Map.entry("admin", 3L), java.util.Map.entry("idle", 1L),
                java.util.Map.entry("idp", 1L), java.util.Map.entry("lifetime", 1L), java.util.Map.entry("local", 1L),
                java.util.Map.entry("sp_slo", 0L));
        assertThat(counters.signInsRateLimited()).isEqualTo(7);
    }

    @Test
    void theAnswersWithoutAnAuditLineAreCountedWhereTheyAreWritten() {
        counters.scriptUnauthorized();
        counters.stateStoreUnavailable();
        counters.stateStoreUnavailable();
        counters.loggedOut(Counters.LOGOUT_SP_SLO, 1);
        assertThat(counters.scriptsUnauthorized()).isEqualTo(1);
        assertThat(counters.stateStoreUnavailableAnswers()).isEqualTo(2);
        assertThat(counters.logoutsByKind()).containsEntry("sp_slo", 1L);
    }

    @Test
    void countsAddUpAcrossThreads() throws Exception {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    counters.scriptUnauthorized();
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(counters.scriptsUnauthorized()).isEqualTo(40_000);
    }
}

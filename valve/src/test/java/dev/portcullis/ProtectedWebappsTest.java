package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;

import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.portcullis.testkit.TestCredentials;

/**
 * The start-up log names every webapp the valve protects (issue 10: the stock Manager comes under
 * sign-in at Host level, and the operator must be able to see it), with the webapps that check Tomcat's
 * administrative roles and who may grant them; a webapp deployed later gets its own line.
 */
class ProtectedWebappsTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("sp.example.com");

    private EmbeddedTomcat server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static List<String> lines(CapturedLogs logs, String containing) {
        return logs.lines().stream().filter(l -> l.contains(containing)).toList();
    }

    @Test
    void namesEveryProtectedWebappOnTheHostInOneLineWithThoseThatCheckTomcatsAdministrativeRoles() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        server.addApp("/manager", "/html/*", "manager-gui", "manager-status");
        server.addApp("", null);
        SsoValve valve = server.valve();
        valve.setProperty("excludedPaths", "/other/*, /app/public/*");
        try (CapturedLogs logs = CapturedLogs.capture()) {
            server.start(valve);

            assertThat(lines(logs, "Portcullis protects")).singleElement().satisfies(line -> assertThat(line)
                    .contains("INFO").contains("protects 3 webapp(s) on Host [localhost]: [/, /app, /manager]")
                    .contains("not protected: [/other]")
                    .contains("[/manager] check Tomcat's administrative roles, which the IdP grants only through"
                            + " roleMapping (now: none)"));
        }
    }

    @Test
    void saysWhichAdministrativeRolesRoleMappingGrantsAndNamesAWebappDeployedLater() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        SsoValve valve = server.valve();
        valve.setProperty("roleMapping", "tomcat-operators=manager-gui, Administrators=admin");
        try (CapturedLogs logs = CapturedLogs.capture()) {
            server.start(valve);
            assertThat(lines(logs, "Portcullis protects")).singleElement().satisfies(line -> assertThat(line)
                    .contains("protects 2 webapp(s) on Host [localhost]: [/app, /other]")
                    .doesNotContain("not protected").doesNotContain("administrative roles"));

            // Deployed as HostConfig deploys a WAR dropped into webapps/: added to the running Host, its web.xml
            // (here: the security role it declares) known when it starts.
            StandardContext late = new StandardContext();
            late.setPath("/host-manager");
            late.setDocBase(Files.createDirectories(server.dir.resolve("docbase-late")).toString());
            late.addLifecycleListener(new Tomcat.FixContextListener());
            late.addSecurityRole("admin-gui");
            server.tomcat.getHost().addChild(late);
            assertThat(late.getState().isAvailable()).isTrue();

            assertThat(lines(logs, "now also protects")).singleElement().satisfies(line -> assertThat(line)
                    .contains("webapp [/host-manager], deployed after start")
                    .contains("[/host-manager] check Tomcat's administrative roles").contains("(now: manager-gui)"));
        }
    }

    @Test
    void atContextLevelNamesThatWebappAlone() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        org.apache.catalina.Context manager = server.addApp("/manager", "/html/*", "manager-gui");
        manager.getPipeline().addValve(server.valve());
        try (CapturedLogs logs = CapturedLogs.capture()) {
            server.tomcat.start();
            assertThat(lines(logs, "Portcullis protects")).singleElement().satisfies(line -> assertThat(line)
                    .contains("Portcullis protects webapp [/manager]; [/manager] check Tomcat's administrative roles"));
        }
    }

    @Test
    void aWebappOutsideProtectedPathsIsNotNamedAsProtected() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        SsoValve valve = server.valve();
        valve.setProperty("protectedPaths", "/app/*");
        try (CapturedLogs logs = CapturedLogs.capture()) {
            server.start(valve);
            assertThat(lines(logs, "Portcullis protects")).singleElement().satisfies(line -> assertThat(line)
                    .contains("protects 1 webapp(s) on Host [localhost]: [/app]").contains("not protected: [/other]"));
        }
    }
}

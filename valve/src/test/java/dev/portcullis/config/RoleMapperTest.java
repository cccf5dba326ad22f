package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.portcullis.config.RoleMapper.DropReason;
import dev.portcullis.config.RoleMapper.Dropped;

class RoleMapperTest {

    private static RoleMapper mapper(String mapping, String allowed) {
        return new RoleMapper(List.of("roles", "groups"), RoleMapper.parseMapping("roleMapping", mapping),
                AllowedRoles.parse("allowedRoles", allowed));
    }

    @Test
    void dropsEveryTomcatAdministrativeRoleThatTheOperatorDidNotMap() {
        RoleMapper.Roles roles = mapper("", "*").map(Map.of("roles", List.of("user", "manager-gui", "manager-script",
                "manager-jmx", "manager-status", "admin-gui", "admin-script")));

        assertThat(roles.granted()).containsExactly("user");
        assertThat(roles.dropped()).extracting(Dropped::value).containsExactly("manager-gui", "manager-script",
                "manager-jmx", "manager-status", "admin-gui", "admin-script");
        assertThat(roles.dropped()).extracting(Dropped::reason).containsOnly(DropReason.TOMCAT_ADMIN_ROLE);
        assertThat(roles.dropped()).extracting(Dropped::attribute).containsOnly("roles");
    }

    @Test
    void grantsATomcatAdministrativeRoleThroughAnExplicitMapping() {
        RoleMapper mapper = mapper("tomcat-ops=manager-gui, manager-status=manager-status", "*");

        assertThat(mapper.roles(Map.of("roles", List.of("tomcat-ops", "manager-status"))))
                .containsExactly("manager-gui", "manager-status");
        assertThat(mapper.mappedTomcatAdminRoles()).containsExactly("manager-gui", "manager-status");
        assertThat(mapper("", "*").mappedTomcatAdminRoles()).isEmpty();
    }

    @Test
    void keepsPlainValuesAsTheyAreByDefault() {
        RoleMapper.Roles roles = new RoleMapper(List.of("roles"), Map.of()).map(Map.of("roles", List.of(" admin ", "user",
                "admin", "", "Manager-GUI")));

        assertThat(roles.granted()).containsExactly("admin", "user", "Manager-GUI");
        assertThat(roles.dropped()).isEmpty();
        assertThat(roles.missingAttributes()).isEmpty();
    }

    @Test
    void keepsOnlyAllowedUnmappedValuesWhenAllowedRolesIsAList() {
        RoleMapper.Roles roles = mapper("Administrators=admin", "user, auditor").map(Map.of("roles",
                List.of("user", "Administrators", "intern", "manager-gui"), "groups", List.of("auditor", "sales")));

        assertThat(roles.granted()).containsExactly("user", "admin", "auditor");
        assertThat(roles.dropped()).containsExactly(new Dropped("roles", "intern", DropReason.NOT_ALLOWED),
                new Dropped("roles", "manager-gui", DropReason.TOMCAT_ADMIN_ROLE),
                new Dropped("groups", "sales", DropReason.NOT_ALLOWED));
    }

    @Test
    void grantsOnlyMappedRolesWhenAllowedRolesIsEmpty() {
        assertThat(mapper("Administrators=admin", "").roles(Map.of("roles", List.of("user", "Administrators"))))
                .containsExactly("admin");
    }

    @Test
    void namesTheRoleAttributesTheAssertionDidNotCarry() {
        RoleMapper.Roles roles = mapper("", "*").map(Map.of("mail", List.of("a@example.com"), "groups", List.of()));

        assertThat(roles.missingAttributes()).containsExactly("roles");
        assertThat(roles.granted()).isEmpty();
    }

    @Test
    void refusesATomcatAdministrativeRoleInAllowedRolesAndPointsToRoleMapping() {
        assertThatThrownBy(() -> AllowedRoles.parse("allowedRoles", "user, manager-gui"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'allowedRoles'")
                .hasMessageContaining("roleMapping").hasMessageContaining("manager-gui");
        assertThatThrownBy(() -> AllowedRoles.parse("allowedRoles", "*, user")).isInstanceOf(ConfigurationException.class);
        assertThat(AllowedRoles.parse("allowedRoles", "user, admin").permits("admin")).isTrue();
        assertThat(AllowedRoles.parse("allowedRoles", " * ").all()).isTrue();
    }

    @Test
    void theDefaultIsEveryValueButTomcatsAdministrativeRoles() {
        Settings settings = new SettingsBuilder().set("externalBaseUrl", "https://apps.example.com")
                .set("idpMetadata", "/etc/idp.xml").set("signAuthnRequests", "false").set("roleAttributes", "roles")
                .build("");
        assertThat(settings.roleMapper().roles(Map.of("roles", List.of("user", "admin-gui")))).containsExactly("user");
    }
}

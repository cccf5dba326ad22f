package dev.portcullis.clash;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.lang3.StringUtils;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.pac4j.core.profile.CommonProfile;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * {@code GET /clash/}: uses every bundled library on the request and reports, as JSON written by its
 * own Jackson, who the container says is signed in and which library versions it actually ran with.
 *
 * <p>On each request it logs one line through its Log4j API and one through SLF4J (both end up in its
 * own Log4j 2 configuration, {@code logs/clash-webapp.log}), builds a pac4j {@link CommonProfile} for the
 * user with the roles the container grants, hashes the user name with commons-codec and capitalizes it
 * with commons-lang3. The webapp has no SSO code: the user comes from {@code getRemoteUser()}.
 */
public class LibrariesServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LogManager.getLogger(LibrariesServlet.class);
    private static final org.slf4j.Logger SLF4J = LoggerFactory.getLogger(LibrariesServlet.class);

    /** Roles this webapp asks the container about (the sample's roles). */
    private static final List<String> ROLES = List.of("user", "admin");

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String user = request.getRemoteUser();
        LOG.info("clash-webapp request for user [{}] via the Log4j API", user);
        SLF4J.info("clash-webapp request for user [{}] via SLF4J", user);

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("user", user);
        List<String> roles = new ArrayList<>();
        for (String role : ROLES) {
            if (request.isUserInRole(role)) {
                roles.add(role);
            }
        }
        report.put("roles", roles);
        report.put("scheme", request.getScheme());
        report.put("secure", request.isSecure());
        if (user != null) {
            CommonProfile profile = new CommonProfile();
            profile.setId(user);
            profile.addRoles(roles);
            report.put("pac4jProfile", profile.getTypedId());
            report.put("pac4jRoles", new ArrayList<>(new TreeSet<>(profile.getRoles())));
            report.put("userSha256", DigestUtils.sha256Hex(user));
            report.put("userCapitalized", StringUtils.capitalize(user));
        }
        report.put("log4jConfiguration", ((LoggerContext) LogManager.getContext(false)).getConfiguration().getName());
        report.put("slf4jLoggerFactory", LoggerFactory.getILoggerFactory().getClass().getName());
        report.put("libraries", libraries());

        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        json.writeValue(response.getWriter(), report);
    }

    /** Each library the valve also bundles, probed through a class this servlet has just used. */
    private static Map<String, Object> libraries() {
        List<Library> probed = List.of(
                Library.of(CommonProfile.class, "org.pac4j", "pac4j-core"),
                Library.of(ObjectMapper.class, "com.fasterxml.jackson.core", "jackson-databind"),
                Library.of(StringUtils.class, "org.apache.commons", "commons-lang3"),
                Library.of(DigestUtils.class, "commons-codec", "commons-codec"),
                Library.of(LogManager.class, "org.apache.logging.log4j", "log4j-api"),
                Library.of(LoggerContext.class, "org.apache.logging.log4j", "log4j-core"),
                Library.of(LoggerFactory.class, "org.slf4j", "slf4j-api"),
                Library.of(LoggerFactory.getILoggerFactory().getClass(), "org.apache.logging.log4j", "log4j-slf4j-impl"));
        Map<String, Object> libraries = new LinkedHashMap<>();
        for (Library library : probed) {
            libraries.put(library.artifact(), library.toMap());
        }
        return libraries;
    }
}

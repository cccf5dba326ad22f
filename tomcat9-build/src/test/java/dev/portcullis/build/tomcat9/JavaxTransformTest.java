package dev.portcullis.build.tomcat9;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.RecordComponentVisitor;

import dev.portcullis.build.tomcat9.fixtures.Fixtures;

/**
 * JavaxTransform on classes compiled against jakarta.servlet and Tomcat 11: every place a class file can
 * name a type, the string constants Servlet attribute names become, the GenericPrincipal constructor
 * Tomcat 9 lacks (run on a real Tomcat 9 class loader), service files, web.xml; and a refusal when the
 * rules leave a jakarta.servlet name behind.
 */
class JavaxTransformTest {

    private static final String HOLDER = "dev/portcullis/build/tomcat9/fixtures/Fixtures$Holder.class";
    private static final String FIXTURES = "dev/portcullis/build/tomcat9/fixtures/Fixtures.class";
    private static final String WEB_XML = """
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee"
                     xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd"
                     version="6.0"/>
            """;

    @TempDir
    Path dir;

    @Test
    void recordComponentsDescriptorsAndSignaturesNameJavax() throws Exception {
        Path out = transform(Rules.jakartaToJavax());

        byte[] holder = entry(out, HOLDER);
        List<String> components = new ArrayList<>();
        new ClassReader(holder).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public RecordComponentVisitor visitRecordComponent(String name, String descriptor, String signature) {
                components.add(name + " " + descriptor);
                return null;
            }
        }, 0);
        assertThat(components).containsExactly("request Ljavax/servlet/http/HttpServletRequest;", "path Ljava/lang/String;");
        assertThat(latin1(holder)).doesNotContain("jakarta").contains("javax/servlet/http/HttpServletRequest");
        assertThat(latin1(entry(in(), HOLDER))).as("the input did name jakarta").contains("jakarta/servlet/http/HttpServletRequest");
    }

    @Test
    void servletAttributeNamesAreRenamedAndOtherTextIsNot() throws Exception {
        Path out = transform(Rules.jakartaToJavax());

        try (URLClassLoader loader = tomcat9With(out)) {
            Class<?> fixtures = loader.loadClass(Fixtures.class.getName());
            assertThat(fixtures.getMethod("errorAttribute").invoke(null)).isEqualTo("javax.servlet.error.exception");
            assertThat(fixtures.getMethod("prose").invoke(null)).isEqualTo("see jakarta.servlet for details");
        }
    }

    /** Tomcat 9's GenericPrincipal has only the constructors with a password: the call passes null for it. */
    @Test
    void genericPrincipalIsMadeWithTheConstructorTomcat9Has() throws Exception {
        Path out = transform(Rules.jakartaToJavax());

        List<String> calls = new ArrayList<>();
        new ClassReader(entry(out, FIXTURES)).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.equals("org/apache/catalina/realm/GenericPrincipal")) {
                            calls.add(method + desc);
                        }
                    }
                };
            }
        }, 0);
        assertThat(calls).containsExactly("<init>(Ljava/lang/String;Ljava/lang/String;Ljava/util/List;)V");

        try (URLClassLoader loader = tomcat9With(out)) {
            Method principal = loader.loadClass(Fixtures.class.getName()).getMethod("principal", String.class, List.class);
            Principal alice = (Principal) principal.invoke(null, "alice", List.of("user", "admin"));
            assertThat(alice.getName()).isEqualTo("alice");
            assertThat(alice.getClass().getMethod("hasRole", String.class).invoke(alice, "admin")).isEqualTo(true);
            assertThat(alice.getClass().getMethod("getPassword").invoke(alice)).isNull();
            assertThat(alice.getClass().getProtectionDomain().getCodeSource().getLocation().getPath())
                    .as("Tomcat 9's GenericPrincipal").endsWith("tomcat-embed-core-9.0.98.jar");
        }
    }

    @Test
    void serviceFilesAndTheirContentsAreRenamed() throws Exception {
        Path out = transform(Rules.jakartaToJavax());

        try (ZipFile zip = new ZipFile(out.toFile())) {
            assertThat(zip.getEntry("META-INF/services/jakarta.servlet.ServletContainerInitializer")).isNull();
            assertThat(text(zip, "META-INF/services/javax.servlet.ServletContainerInitializer"))
                    .isEqualTo("# a comment about jakarta.servlet stays\nexample.Initializer\n");
        }
    }

    @Test
    void webXmlBecomesServlet40() throws Exception {
        Path out = transform(Rules.jakartaToJavax());

        try (ZipFile zip = new ZipFile(out.toFile())) {
            assertThat(text(zip, "WEB-INF/web.xml")).isEqualTo("""
                    <web-app xmlns="http://xmlns.jcp.org/xml/ns/javaee"
                             xsi:schemaLocation="http://xmlns.jcp.org/xml/ns/javaee http://xmlns.jcp.org/xml/ns/javaee/web-app_4_0.xsd"
                             version="4.0"/>
                    """);
        }
    }

    @Test
    void oldJavaEntryMovesTheClassToVersion17AndPutsTheStubInItsPlace() throws Exception {
        Path out = dir.resolve("out.jar");
        byte[] stub = {(byte) 0xCA, (byte) 0xFE, 1, 2};

        new JavaxTransform(Rules.jakartaToJavax()).transform(in(), out, FIXTURES, stub, 17);

        assertThat(entry(out, FIXTURES)).isEqualTo(stub);
        assertThat(latin1(entry(out, "META-INF/versions/17/" + FIXTURES))).contains("javax.servlet.error.exception");
        try (JarFile jar = new JarFile(out.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
        }
    }

    /**
     * The check behind "not fit for Tomcat 9": every class name a class file holds, wherever ASM finds it. (ASM's
     * remapper leaves none behind, so the check is shown on a class before renaming.)
     */
    @Test
    void findsEveryServletNameLeftInAClass() throws Exception {
        JavaxTransform transform = new JavaxTransform(Rules.jakartaToJavax());

        assertThat(transform.namesLeft(classBytes(HOLDER))).containsExactly("jakarta.servlet.http.HttpServletRequest");
        assertThat(transform.namesLeft(transform.rewriteClass(classBytes(HOLDER)))).isEmpty();
    }

    @Test
    void refusesAWebXmlOfASchemaTheRulesDoNotKnow() throws Exception {
        Path input = jar(Map.of("WEB-INF/web.xml", WEB_XML.replace("web-app_6_0.xsd", "web-app_7_0.xsd")
                .getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> new JavaxTransform(Rules.jakartaToJavax()).transform(input, dir.resolve("out.war")))
                .hasMessageContaining("WEB-INF/web.xml still has a Jakarta EE namespace or schema");
        Path version7 = jar(Map.of("WEB-INF/web.xml", WEB_XML.replace("version=\"6.0\"", "version=\"7.0\"")
                .getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> new JavaxTransform(Rules.jakartaToJavax()).transform(version7, dir.resolve("out7.war")))
                .hasMessageContaining("WEB-INF/web.xml still has a Jakarta EE namespace or schema");
    }

    @Test
    void aCallRuleMustAddOneReferenceBeforeTheLastArgument() {
        assertThatThrownBy(() -> Rules.parse("package a b\ncall x/Y.<init> (Ljava/lang/String;J)V (Ljava/lang/String;Ljava/lang/String;J)V"))
                .hasMessageContaining("one-slot");
        assertThatThrownBy(() -> Rules.parse("package a b\ncall x/Y.m (I)V (II)V")).hasMessageContaining("one reference parameter more");
        assertThat(Rules.parse("package a b\ncall x/Y.m (I)V (Ljava/lang/Object;I)V").calls()).hasSize(1);
    }

    private Path in() throws IOException {
        Path in = dir.resolve("in.jar");
        if (Files.notExists(in)) {
            Files.move(jar(Map.of(
                    "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8),
                    HOLDER, classBytes(HOLDER),
                    FIXTURES, classBytes(FIXTURES),
                    "META-INF/services/jakarta.servlet.ServletContainerInitializer",
                    "# a comment about jakarta.servlet stays\nexample.Initializer\n".getBytes(StandardCharsets.UTF_8),
                    "WEB-INF/web.xml", WEB_XML.getBytes(StandardCharsets.UTF_8))), in);
        }
        return in;
    }

    private Path transform(Rules rules) throws IOException {
        Path out = dir.resolve("out.jar");
        new JavaxTransform(rules).transform(in(), out);
        return out;
    }

    private Path jar(Map<String, byte[]> entries) throws IOException {
        Path file = Files.createTempFile(dir, "input", ".jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            List<String> names = new ArrayList<>(entries.keySet());
            names.sort((a, b) -> a.startsWith("META-INF/MANIFEST") ? -1 : b.startsWith("META-INF/MANIFEST") ? 1 : a.compareTo(b));
            for (String name : names) {
                out.putNextEntry(new ZipEntry(name));
                out.write(entries.get(name));
                out.closeEntry();
            }
        }
        return file;
    }

    /** Tomcat 9's classes and the transformed JAR, nothing of this JVM's Tomcat 11. */
    private static URLClassLoader tomcat9With(Path jar) throws IOException {
        URL tomcat9 = Path.of(System.getProperty("portcullis.tomcat9Api")).toUri().toURL();
        return new URLClassLoader(new URL[] {jar.toUri().toURL(), tomcat9}, ClassLoader.getPlatformClassLoader());
    }

    private static byte[] classBytes(String entry) throws IOException {
        try (InputStream in = JavaxTransformTest.class.getClassLoader().getResourceAsStream(entry)) {
            return in.readAllBytes();
        }
    }

    private static byte[] entry(Path jar, String name) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile()); InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return in.readAllBytes();
        }
    }

    private static String text(ZipFile zip, String name) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}

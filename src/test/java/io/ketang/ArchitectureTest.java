package io.ketang;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contexts' walls: a context's {@code internal} and {@code messaging} packages are its own;
 * everyone else goes through its {@code api}. Java's visibility cannot say this across packages,
 * so this test does.
 */
class ArchitectureTest {

    static final JavaClasses KETANG = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ketang");

    @ParameterizedTest
    @ValueSource(strings = {"heartbeat", "membership", "room", "push", "flowcontrol", "classroom"})
    void nothingOutsideAContextTouchesItsInternalsOrMessaging(String context) {
        String own = "io.ketang." + context + "..";
        ArchRule rule = noClasses().that().resideOutsideOfPackage(own)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.ketang." + context + ".internal..", "io.ketang." + context + ".messaging..")
                .because("other code reaches the " + context + " context through " + context + ".api only");
        rule.check(KETANG);
    }

    @Test
    void onlyMessagingPackagesTalkToReactiveMessaging() {
        noClasses().that().resideOutsideOfPackage("..messaging..")
                .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.microprofile.reactive.messaging..")
                .because("@Incoming, @Outgoing and Emitters live in a context's messaging package")
                .check(KETANG);
    }

    @Test
    void contextsDoNotDependOnAdapters() {
        noClasses().that().resideInAnyPackage("io.ketang.heartbeat..", "io.ketang.membership..", "io.ketang.room..",
                        "io.ketang.push..", "io.ketang.flowcontrol..", "io.ketang.classroom..", "io.ketang.shared..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ketang.gateway..", "io.ketang.admin..")
                .because("the gateway and the REST API sit around the contexts, not inside them")
                .check(KETANG);
    }
}

//! OpenVEX's status justifications: why a product is `not_affected` by a vulnerability.
//! Kept on an exception (`exception add --vex-justification`), spelled as OpenVEX 0.2.0
//! spells them, in the database, on the command line and in documents.

use serde::Serialize;

crate::db::stored::stored_state! {
    /// The five justifications of OpenVEX 0.2.0 (`justification` of a statement).
    #[derive(clap::ValueEnum)]
    Justification {
        #[value(name = "component_not_present")]
        ComponentNotPresent = "component_not_present",
        #[value(name = "vulnerable_code_not_present")]
        VulnerableCodeNotPresent = "vulnerable_code_not_present",
        #[value(name = "vulnerable_code_not_in_execute_path")]
        VulnerableCodeNotInExecutePath = "vulnerable_code_not_in_execute_path",
        #[value(name = "vulnerable_code_cannot_be_controlled_by_adversary")]
        VulnerableCodeCannotBeControlledByAdversary = "vulnerable_code_cannot_be_controlled_by_adversary",
        #[value(name = "inline_mitigations_already_exist")]
        InlineMitigationsAlreadyExist = "inline_mitigations_already_exist",
    }
}

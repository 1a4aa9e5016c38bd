-- patchcycle schema: OpenVEX justifications of exceptions (issue 24).

-- Why a finding does not apply, in OpenVEX's words (`exception add --vex-justification`,
-- or an imported not_affected statement's justification): component_not_present,
-- vulnerable_code_not_present, vulnerable_code_not_in_execute_path,
-- vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist.
-- NULL: a risk accepted while affected, exported as an affected statement whose
-- action_statement is the reason.
ALTER TABLE exceptions ADD COLUMN vex_justification TEXT CHECK (vex_justification IN (
    'component_not_present',
    'vulnerable_code_not_present',
    'vulnerable_code_not_in_execute_path',
    'vulnerable_code_cannot_be_controlled_by_adversary',
    'inline_mitigations_already_exist'));

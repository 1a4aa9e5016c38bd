
use builtin;
use str;

set edit:completion:arg-completer[patchcycle] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'patchcycle'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'patchcycle'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create the configuration file and the database (idempotent)'
            cand doctor 'Check configuration, database and tools, and print what is wrong'
            cand host 'Manage the inventory of hosts'
            cand group 'Manage groups (rings): order, window, policy, contacts'
            cand calendar 'Show each group''s next maintenance windows'
            cand sync 'Pull vulnerability catalogues (OSV, CISA KEV, EPSS, RPM errata) into the database'
            cand scan 'Collect packages, kernels and pending updates from hosts and match the catalogue'
            cand findings 'List current findings (each host''s latest scan), with filters and a CI gate'
            cand explain 'Explain why a host is, or is not, affected by an advisory'
            cand exception 'Manage exceptions: scoped risk acceptance with an expiry date'
            cand cycle 'Monthly cycles: freeze the patch set, follow each ring, close'
            cand test 'Put the cycle''s patch set on the pilot ring, check health, record the result'
            cand approve 'Record a CAB decision for a group (gated by the lower rings)'
            cand deploy 'Put the approved patches on a group: windows, waves, snapshots, health, halt'
            cand rollback 'Put a deployment''s hosts back to their versions before it'
            cand note 'Knowledge base: notes on advisories and packages'
            cand advisory 'Look up advisories in the catalogue'
            cand report 'Compliance, SLA, MTTR, reboots, approvals and deployments of a cycle, in every format'
            cand audit 'Read, verify and export the hash-chained audit log'
            cand vercmp 'Compare package versions exactly as dpkg, rpm or apk do'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;init'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;doctor'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;host'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Add a host'
            cand list 'List hosts'
            cand ls 'List hosts'
            cand show 'Show one host'
            cand set 'Change a host'
            cand rm 'Remove hosts'
            cand import 'Add or update hosts from a CSV, TOML or Ansible INI inventory (all or nothing)'
            cand defer 'Leave a host out of deployments until a date (within the group''s max_deferral_days)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;host;add'= {
            cand -g 'Group (ring) the host belongs to'
            cand --group 'Group (ring) the host belongs to'
            cand -t 'Tag (repeat, or separate with commas)'
            cand --tag 'Tag (repeat, or separate with commas)'
            cand --notes 'Free-form notes'
            cand --ecosystem 'OS and release, so `sync` covers it before the first scan (Debian:12, Ubuntu:24.04:LTS, AlmaLinux:9, Rocky Linux:9, Alpine:v3.20); a scan replaces it'
            cand --platform 'What the host runs: `scan` sends a Windows host the PowerShell collector'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'patchcycle;host;list'= {
            cand -g 'Only hosts of this group'
            cand --group 'Only hosts of this group'
            cand -t 'Only hosts with this tag'
            cand --tag 'Only hosts with this tag'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;host;ls'= {
            cand -g 'Only hosts of this group'
            cand --group 'Only hosts of this group'
            cand -t 'Only hosts with this tag'
            cand --tag 'Only hosts with this tag'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;host;show'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;host;set'= {
            cand --destination 'New SSH destination'
            cand -g 'Move to this group'
            cand --group 'Move to this group'
            cand --add-tag 'Add a tag (repeat, or separate with commas)'
            cand --rm-tag 'Remove a tag (repeat, or separate with commas)'
            cand --notes 'Replace the notes ("" clears them)'
            cand --ecosystem 'Declare the OS and release (Debian:12, AlmaLinux:9, …); a scan replaces it'
            cand --platform 'What the host runs (posix or windows): which collector `scan` sends'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --no-group 'Take the host out of its group'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'patchcycle;host;rm'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;host;import'= {
            cand --type 'File format [default: from the extension (.csv, .toml, .ini/.cfg = Ansible INI), else recognised from the content (a CSV header, a TOML [[hosts]] table, INI sections)]'
            cand -g 'Group for hosts that name none of the existing groups'
            cand --group 'Group for hosts that name none of the existing groups'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --dry-run 'Print what would change and write nothing'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;host;defer'= {
            cand --until 'Until when: a last day (YYYY-MM-DD, through its end in the configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time'
            cand --reason 'Why (recorded in the audit log)'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --clear 'End the deferral now'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;host;help'= {
            cand add 'Add a host'
            cand list 'List hosts'
            cand show 'Show one host'
            cand set 'Change a host'
            cand rm 'Remove hosts'
            cand import 'Add or update hosts from a CSV, TOML or Ansible INI inventory (all or nothing)'
            cand defer 'Leave a host out of deployments until a date (within the group''s max_deferral_days)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;host;help;add'= {
        }
        &'patchcycle;host;help;list'= {
        }
        &'patchcycle;host;help;show'= {
        }
        &'patchcycle;host;help;set'= {
        }
        &'patchcycle;host;help;rm'= {
        }
        &'patchcycle;host;help;import'= {
        }
        &'patchcycle;host;help;defer'= {
        }
        &'patchcycle;host;help;help'= {
        }
        &'patchcycle;group'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Add a group (ring)'
            cand list 'List groups in ring order'
            cand ls 'List groups in ring order'
            cand show 'Show one group with its policy'
            cand set 'Change a group'
            cand rm 'Remove a group'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;group;add'= {
            cand --order 'Ring order: 0 = pilot, then test, production, …; lower rings go first'
            cand --stakeholder 'Who owns the service (for reports and CAB)'
            cand --admin 'Admin contact'
            cand --window 'Maintenance window: "Patch Tuesday +2d 22:00-02:00 Europe/Berlin", "Sat 01:00-05:00", "daily 23:00-01:00 UTC", "RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h" (zone defaults to UTC; "" clears it)'
            cand --policy-file 'Replace the policy with this TOML file'
            cand --set 'Set one policy key, VALUE in TOML syntax (repeatable): max_parallel=3, reboot="never", sla_days.critical=3, auto_approve=["kev"]'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;group;list'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;group;ls'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;group;show'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;group;set'= {
            cand --order 'Ring order: 0 = pilot, then test, production, …; lower rings go first'
            cand --stakeholder 'Who owns the service (for reports and CAB)'
            cand --admin 'Admin contact'
            cand --window 'Maintenance window: "Patch Tuesday +2d 22:00-02:00 Europe/Berlin", "Sat 01:00-05:00", "daily 23:00-01:00 UTC", "RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h" (zone defaults to UTC; "" clears it)'
            cand --policy-file 'Replace the policy with this TOML file'
            cand --set 'Set one policy key, VALUE in TOML syntax (repeatable): max_parallel=3, reboot="never", sla_days.critical=3, auto_approve=["kev"]'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;group;rm'= {
            cand --move-to 'Move the group''s hosts to this group first'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;group;help'= {
            cand add 'Add a group (ring)'
            cand list 'List groups in ring order'
            cand show 'Show one group with its policy'
            cand set 'Change a group'
            cand rm 'Remove a group'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;group;help;add'= {
        }
        &'patchcycle;group;help;list'= {
        }
        &'patchcycle;group;help;show'= {
        }
        &'patchcycle;group;help;set'= {
        }
        &'patchcycle;group;help;rm'= {
        }
        &'patchcycle;group;help;help'= {
        }
        &'patchcycle;calendar'= {
            cand --group 'Only this group'
            cand --count 'Windows to show per group'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --ics 'Print an iCalendar (RFC 5545) file instead of a list'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;sync'= {
            cand --from 'Read every source from this directory instead of the network (air gap)'
            cand --mirror 'Read every source from this base URL (http, https or file://) instead'
            cand --export 'Write the raw files held to DIR, in the layout --from reads, and sync nothing'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --status 'Show each source''s last sync, record counts and warnings, and sync nothing'
            cand --allow-shrink 'Import a feed even if it removes more than [sync] max_shrink of what a source holds, or all of it (audited)'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;scan'= {
            cand -g 'Scan every host of this group'
            cand --group 'Scan every host of this group'
            cand --import 'Read saved collector output instead of connecting (needs --host)'
            cand --host 'The host that --import, --local or --image is for'
            cand --image 'Scan a container image: a `docker save` archive or an OCI image layout (a tar or a directory), recorded as a host of kind image'
            cand --platform 'With --image: which image of a multi-platform index (os/arch[/variant], e.g. linux/arm64/v8). With --print-script: which collector, posix or windows'
            cand --root 'With --local: collect from this root directory (a mounted disk, chroot or unpacked container image) instead of the running system (needs --host)'
            cand --parallel 'Hosts scanned at once'
            cand --timeout 'Seconds allowed per host'
            cand --fail-on 'Exit 1 when this shows (comma-separated or repeated); every level also trips on an empty selection and on hosts patchcycle cannot judge. Stdout stays whole; a one-line summary goes to stderr'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --all 'Scan every host in the inventory'
            cand --local 'Scan this machine (no ssh); it is added to the inventory if missing'
            cand --refresh 'Update the hosts'' package lists first (apt-get update, dnf/yum makecache, apk update)'
            cand --full 'Collect every host in full, even one whose package state is unchanged since its last full scan (see [scan] full_every)'
            cand --no-persist 'Close the ssh connections this scan used when it ends, whatever `[ssh] persist` says (as `persist = "off"`)'
            cand --allow-stale 'Judge hosts on scans older than max_scan_age and catalogues older than max_feed_age instead of calling them unknown (never on missing data)'
            cand --print-script 'Print the collector script and exit: the POSIX one, or the PowerShell one with --platform windows or --host naming a Windows host'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'patchcycle;findings'= {
            cand --host 'Only this host'
            cand -g 'Only hosts of this group'
            cand --group 'Only hosts of this group'
            cand --severity 'Only findings at or above this severity (CISA KEV findings stay listed: known exploitation outranks any rating)'
            cand --epss-above 'Only findings whose highest EPSS score is above this (0 to 1)'
            cand -p 'Only this package (binary or source name)'
            cand --package 'Only this package (binary or source name)'
            cand --advisory 'Only findings naming this advisory or CVE'
            cand --sort 'Order of the list'
            cand --since 'Only what was first seen after this time: findings, or advisories a finding gained (a day YYYY-MM-DD, a span such as 7d, or an RFC 3339 time)'
            cand --fail-on 'Exit 1 when this shows (comma-separated or repeated); every level also trips on an empty selection and on hosts patchcycle cannot judge. Stdout stays whole; a one-line summary goes to stderr'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --kev 'Only findings with a CISA KEV CVE'
            cand --all 'Include findings hidden by exceptions'
            cand --new 'Only what each host''s previous good scan did not have: new findings, and findings that gained advisories (listed with those)'
            cand --allow-stale 'Judge hosts on scans older than max_scan_age and catalogues older than max_feed_age instead of calling them unknown (never on missing data)'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'patchcycle;explain'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;exception'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Accept a risk until a date: hides matching findings from gates and counts'
            cand list 'List exceptions, active and expired'
            cand ls 'List exceptions, active and expired'
            cand rm 'Remove an exception'
            cand export 'Write the active exceptions as an OpenVEX 0.2.0 document (--format openvex)'
            cand import 'Add the exceptions an OpenVEX 0.2.0 document states (not_affected, affected)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;exception;add'= {
            cand --advisory 'Advisory id or CVE the exception covers'
            cand --package 'Package (binary or source name)'
            cand --host 'Host'
            cand --group 'Group'
            cand --reason 'Why the risk is accepted (recorded in the audit log)'
            cand --expires 'Until when the exception applies: a last day (YYYY-MM-DD, through its end in the configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time; at most a year ahead'
            cand --vex-justification 'Why the finding does not apply, in OpenVEX''s words: exported as a not_affected statement with this justification; without it, as affected (risk accepted)'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;exception;list'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;exception;ls'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;exception;rm'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;exception;export'= {
            cand --author 'The document''s author (default: the actor)'
            cand -o 'Write to FILE (atomically) instead of stdout'
            cand --output 'Write to FILE (atomically) instead of stdout'
            cand --format 'Output format'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --skip-without-advisory 'Leave out active exceptions that name no advisory (each named in a warning) instead of refusing the export'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;exception;import'= {
            cand --expires 'Expiry of the statements whose status_notes carry none ("patchcycle: expires TIME"): a last day, a span (30d) or an RFC 3339 time; at most a year ahead'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;exception;help'= {
            cand add 'Accept a risk until a date: hides matching findings from gates and counts'
            cand list 'List exceptions, active and expired'
            cand rm 'Remove an exception'
            cand export 'Write the active exceptions as an OpenVEX 0.2.0 document (--format openvex)'
            cand import 'Add the exceptions an OpenVEX 0.2.0 document states (not_affected, affected)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;exception;help;add'= {
        }
        &'patchcycle;exception;help;list'= {
        }
        &'patchcycle;exception;help;rm'= {
        }
        &'patchcycle;exception;help;export'= {
        }
        &'patchcycle;exception;help;import'= {
        }
        &'patchcycle;exception;help;help'= {
        }
        &'patchcycle;cycle'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
            cand start 'Start a cycle: freeze this month''s patch set from the latest scans'
            cand status 'Show each group''s state in the cycle and what blocks its next step'
            cand show 'Show the frozen patch set: package or KB, target, advisories, severity, KEV, EPSS, hosts affected per group, knowledge-base notes [default: the open cycle]'
            cand list 'List cycles'
            cand ls 'List cycles'
            cand close 'Close a cycle (refused while approved groups are not deployed)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;cycle;start'= {
            cand --cutoff 'Cutoff date (YYYY-MM-DD) [default: Patch Tuesday of the month]'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --allow-stale 'Freeze the patch set although scans or the catalogue are older than the policy''s max_scan_age / max_feed_age (audited with the hosts concerned)'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;cycle;status'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;cycle;show'= {
            cand --format 'Output format'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;cycle;list'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;cycle;ls'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;cycle;close'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --cleanup 'Then remove what rollback would need: kept packages on the hosts and the snapshots of the cycle''s deployments (no rollback is possible afterwards)'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;cycle;help'= {
            cand start 'Start a cycle: freeze this month''s patch set from the latest scans'
            cand status 'Show each group''s state in the cycle and what blocks its next step'
            cand show 'Show the frozen patch set: package or KB, target, advisories, severity, KEV, EPSS, hosts affected per group, knowledge-base notes [default: the open cycle]'
            cand list 'List cycles'
            cand close 'Close a cycle (refused while approved groups are not deployed)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;cycle;help;start'= {
        }
        &'patchcycle;cycle;help;status'= {
        }
        &'patchcycle;cycle;help;show'= {
        }
        &'patchcycle;cycle;help;list'= {
        }
        &'patchcycle;cycle;help;close'= {
        }
        &'patchcycle;cycle;help;help'= {
        }
        &'patchcycle;test'= {
            cand -g 'The pilot group [default: the lowest ring that holds hosts]'
            cand --group 'The pilot group [default: the lowest ring that holds hosts]'
            cand --cycle 'Cycle [default: the open cycle]'
            cand --reason 'Why the window is overridden'
            cand --engine 'Who runs the steps on the hosts: patchcycle''s own SSH pool, or ansible-playbook (a generated inventory and playbook per wave; progress saved per wave)'
            cand --parallel 'Hosts at once [default: the group''s max_parallel]'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --dry-run 'Print the plan per host (packages from → to, snapshot, reboot, checks, window) and change nothing; a deploy not yet approved is previewed with the whole patch set, marked "preview: not approved"'
            cand --resume 'Continue the group''s interrupted or halted deployment; finished hosts are not touched again'
            cand --now 'Run outside the maintenance window (audited); needs --reason'
            cand --no-rollback 'Patch hosts even where no rollback packages and no snapshot can be had (audited)'
            cand --status 'Show the pilot''s result and soak instead of testing'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;approve'= {
            cand -g 'The group (ring) the decision is for'
            cand --group 'The group (ring) the decision is for'
            cand --cycle 'Cycle [default: the open cycle]'
            cand --decision 'The decision'
            cand --advisory 'Only patches naming this advisory or CVE (repeatable)'
            cand --package 'Only these packages (repeatable)'
            cand --severity 'Only patches at or above this severity'
            cand --change 'Change reference (CAB ticket)'
            cand --comment 'Free comment'
            cand --expires 'Until when the approval is valid: a last day (YYYY-MM-DD, through its end in the configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time'
            cand --reason 'Why the emergency lane is used'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --auto 'For cron: approve, in every group whose policy has auto_approve classes or approve_rules, the patches whose rule is due (its `after` counted from the cycle''s start) once the gate is open (never through the emergency lane)'
            cand --kev 'Only patches with a CISA KEV CVE'
            cand --emergency 'Bypass the ring gate (audited and flagged in reports; not four eyes); needs --reason'
            cand --allow-stale 'Approve although the group''s scans or the catalogue are older than the policy''s max_scan_age / max_feed_age (audited with the hosts concerned)'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;deploy'= {
            cand -g 'The group (ring) to deploy'
            cand --group 'The group (ring) to deploy'
            cand --cycle 'Cycle [default: the open cycle]'
            cand --reason 'Why the window is overridden'
            cand --engine 'Who runs the steps on the hosts: patchcycle''s own SSH pool, or ansible-playbook (a generated inventory and playbook per wave; progress saved per wave)'
            cand --parallel 'Hosts at once [default: the group''s max_parallel]'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --dry-run 'Print the plan per host (packages from → to, snapshot, reboot, checks, window) and change nothing; a deploy not yet approved is previewed with the whole patch set, marked "preview: not approved"'
            cand --resume 'Continue the group''s interrupted or halted deployment; finished hosts are not touched again'
            cand --now 'Run outside the maintenance window (audited); needs --reason'
            cand --no-rollback 'Patch hosts even where no rollback packages and no snapshot can be had (audited)'
            cand --list 'List deployments (of --group, or all) instead'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;rollback'= {
            cand --host 'Only these hosts (repeatable) [default: every host the deployment changed]'
            cand --method 'How to go back'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'patchcycle;note'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Add a note on an advisory or a package'
            cand list 'List notes'
            cand ls 'List notes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;note;add'= {
            cand --advisory 'The advisory or CVE the note is about'
            cand --package 'The package the note is about'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;note;list'= {
            cand --advisory 'Only notes on this advisory or CVE'
            cand --package 'Only notes on this package'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;note;ls'= {
            cand --advisory 'Only notes on this advisory or CVE'
            cand --package 'Only notes on this package'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;note;help'= {
            cand add 'Add a note on an advisory or a package'
            cand list 'List notes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;note;help;add'= {
        }
        &'patchcycle;note;help;list'= {
        }
        &'patchcycle;note;help;help'= {
        }
        &'patchcycle;advisory'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
            cand show 'Show advisories by id (ALSA-2023:2523, DSA-5678-1, …) or CVE, in any case; a CVE only KEV or EPSS know shows what they know'
            cand search 'Search the catalogue; with --version, say whether that version is affected'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;advisory;show'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;advisory;search'= {
            cand -p 'Package name (for Debian and Ubuntu: the source package)'
            cand --package 'Package name (for Debian and Ubuntu: the source package)'
            cand -e 'Ecosystem with release (AlmaLinux:9, Debian:12) or without (AlmaLinux), any case'
            cand --ecosystem 'Ecosystem with release (AlmaLinux:9, Debian:12) or without (AlmaLinux), any case'
            cand --version 'A package version to check against each advisory''s ranges (needs --ecosystem)'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;advisory;help'= {
            cand show 'Show advisories by id (ALSA-2023:2523, DSA-5678-1, …) or CVE, in any case; a CVE only KEV or EPSS know shows what they know'
            cand search 'Search the catalogue; with --version, say whether that version is affected'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;advisory;help;show'= {
        }
        &'patchcycle;advisory;help;search'= {
        }
        &'patchcycle;advisory;help;help'= {
        }
        &'patchcycle;report'= {
            cand --cycle 'Cycle [default: the open cycle, else the newest]'
            cand --fail-on 'Exit 1 when this shows (comma-separated or repeated); every level also trips on an empty selection and on hosts patchcycle cannot judge. Stdout stays whole; a one-line summary goes to stderr'
            cand -o 'Write the report to FILE (atomically: temporary file, fsync, rename) instead of stdout'
            cand --output 'Write the report to FILE (atomically: temporary file, fsync, rename) instead of stdout'
            cand --threshold 'Compliance: a host with an open finding at or above this (or in KEV) is not compliant'
            cand --expiring-days 'List exceptions expiring within this many days'
            cand --trend-cycles 'Cycles in the trend (html and json): the selected cycle and those before it; 0: none'
            cand --now 'Fix the report''s clock: a day (its start in the configured time_zone), a span back (7d) or an RFC 3339 time; also PATCHCYCLE_NOW'
            cand --format 'Output format'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --allow-stale 'Judge hosts on scans older than max_scan_age and catalogues older than max_feed_age instead of calling them unknown (never on missing data)'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'patchcycle;audit'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List audit rows, oldest first'
            cand ls 'List audit rows, oldest first'
            cand verify 'Recompute the hash chain; exit 1 and name the first bad row when broken'
            cand anchor 'Record the chain''s head outside the database, for `audit verify --anchor`'
            cand export 'Export rows with the chain''s verification, as evidence (ISO 27001, SOX); --format json or csv; exit 1 when the chain is broken (the export is still written)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;audit;list'= {
            cand --since 'Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time'
            cand --action 'Only this action, or a family of them (`host` matches host.add, host.rm, …)'
            cand --object 'Only rows about this object (host, group, …)'
            cand -n 'Only the newest N rows'
            cand --limit 'Only the newest N rows'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;audit;ls'= {
            cand --since 'Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time'
            cand --action 'Only this action, or a family of them (`host` matches host.add, host.rm, …)'
            cand --object 'Only rows about this object (host, group, …)'
            cand -n 'Only the newest N rows'
            cand --limit 'Only the newest N rows'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;audit;verify'= {
            cand --anchor 'Also compare the chain with the anchors of this file (made by `audit anchor`; each line''s MAC is checked with --key) [default FILE: <db>.audit-anchors]'
            cand --head 'Also compare the chain with a head printed by `audit anchor --print` and kept elsewhere (ROW:HASH); repeatable'
            cand --key 'The key file that signed the anchors [default: <db>.audit-key]'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'patchcycle;audit;anchor'= {
            cand -o 'Append the anchor to this file [default: <db>.audit-anchors]'
            cand --output 'Append the anchor to this file [default: <db>.audit-anchors]'
            cand --key 'The HMAC key file, created (mode 0600, 32 random bytes) when missing; refused when group or others may access it [default: <db>.audit-key]'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --print 'Print the head (ROW:HASH) on stdout for an external store instead of writing a file; check it later with `audit verify --head ROW:HASH`'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'patchcycle;audit;export'= {
            cand --since 'Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time'
            cand -o 'Write to FILE (atomically) instead of stdout'
            cand --output 'Write to FILE (atomically) instead of stdout'
            cand --format 'Output format'
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;audit;help'= {
            cand list 'List audit rows, oldest first'
            cand verify 'Recompute the hash chain; exit 1 and name the first bad row when broken'
            cand anchor 'Record the chain''s head outside the database, for `audit verify --anchor`'
            cand export 'Export rows with the chain''s verification, as evidence (ISO 27001, SOX); --format json or csv; exit 1 when the chain is broken (the export is still written)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;audit;help;list'= {
        }
        &'patchcycle;audit;help;verify'= {
        }
        &'patchcycle;audit;help;anchor'= {
        }
        &'patchcycle;audit;help;export'= {
        }
        &'patchcycle;audit;help;help'= {
        }
        &'patchcycle;vercmp'= {
            cand --db 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]'
            cand --format 'Output format'
            cand --actor 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]'
            cand --stdin 'Read lines `A B` from standard input and print `<`, `=` or `>` for each'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say more about what is done (repeat for more)'
            cand --verbose 'Say more about what is done (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --no-pager 'Never page long output on a terminal (PAGER, default less -FRX)'
            cand -y 'Answer yes to every confirmation; required where no terminal can ask'
            cand --yes 'Answer yes to every confirmation; required where no terminal can ask'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'patchcycle;help'= {
            cand init 'Create the configuration file and the database (idempotent)'
            cand doctor 'Check configuration, database and tools, and print what is wrong'
            cand host 'Manage the inventory of hosts'
            cand group 'Manage groups (rings): order, window, policy, contacts'
            cand calendar 'Show each group''s next maintenance windows'
            cand sync 'Pull vulnerability catalogues (OSV, CISA KEV, EPSS, RPM errata) into the database'
            cand scan 'Collect packages, kernels and pending updates from hosts and match the catalogue'
            cand findings 'List current findings (each host''s latest scan), with filters and a CI gate'
            cand explain 'Explain why a host is, or is not, affected by an advisory'
            cand exception 'Manage exceptions: scoped risk acceptance with an expiry date'
            cand cycle 'Monthly cycles: freeze the patch set, follow each ring, close'
            cand test 'Put the cycle''s patch set on the pilot ring, check health, record the result'
            cand approve 'Record a CAB decision for a group (gated by the lower rings)'
            cand deploy 'Put the approved patches on a group: windows, waves, snapshots, health, halt'
            cand rollback 'Put a deployment''s hosts back to their versions before it'
            cand note 'Knowledge base: notes on advisories and packages'
            cand advisory 'Look up advisories in the catalogue'
            cand report 'Compliance, SLA, MTTR, reboots, approvals and deployments of a cycle, in every format'
            cand audit 'Read, verify and export the hash-chained audit log'
            cand vercmp 'Compare package versions exactly as dpkg, rpm or apk do'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'patchcycle;help;init'= {
        }
        &'patchcycle;help;doctor'= {
        }
        &'patchcycle;help;host'= {
            cand add 'Add a host'
            cand list 'List hosts'
            cand show 'Show one host'
            cand set 'Change a host'
            cand rm 'Remove hosts'
            cand import 'Add or update hosts from a CSV, TOML or Ansible INI inventory (all or nothing)'
            cand defer 'Leave a host out of deployments until a date (within the group''s max_deferral_days)'
        }
        &'patchcycle;help;host;add'= {
        }
        &'patchcycle;help;host;list'= {
        }
        &'patchcycle;help;host;show'= {
        }
        &'patchcycle;help;host;set'= {
        }
        &'patchcycle;help;host;rm'= {
        }
        &'patchcycle;help;host;import'= {
        }
        &'patchcycle;help;host;defer'= {
        }
        &'patchcycle;help;group'= {
            cand add 'Add a group (ring)'
            cand list 'List groups in ring order'
            cand show 'Show one group with its policy'
            cand set 'Change a group'
            cand rm 'Remove a group'
        }
        &'patchcycle;help;group;add'= {
        }
        &'patchcycle;help;group;list'= {
        }
        &'patchcycle;help;group;show'= {
        }
        &'patchcycle;help;group;set'= {
        }
        &'patchcycle;help;group;rm'= {
        }
        &'patchcycle;help;calendar'= {
        }
        &'patchcycle;help;sync'= {
        }
        &'patchcycle;help;scan'= {
        }
        &'patchcycle;help;findings'= {
        }
        &'patchcycle;help;explain'= {
        }
        &'patchcycle;help;exception'= {
            cand add 'Accept a risk until a date: hides matching findings from gates and counts'
            cand list 'List exceptions, active and expired'
            cand rm 'Remove an exception'
            cand export 'Write the active exceptions as an OpenVEX 0.2.0 document (--format openvex)'
            cand import 'Add the exceptions an OpenVEX 0.2.0 document states (not_affected, affected)'
        }
        &'patchcycle;help;exception;add'= {
        }
        &'patchcycle;help;exception;list'= {
        }
        &'patchcycle;help;exception;rm'= {
        }
        &'patchcycle;help;exception;export'= {
        }
        &'patchcycle;help;exception;import'= {
        }
        &'patchcycle;help;cycle'= {
            cand start 'Start a cycle: freeze this month''s patch set from the latest scans'
            cand status 'Show each group''s state in the cycle and what blocks its next step'
            cand show 'Show the frozen patch set: package or KB, target, advisories, severity, KEV, EPSS, hosts affected per group, knowledge-base notes [default: the open cycle]'
            cand list 'List cycles'
            cand close 'Close a cycle (refused while approved groups are not deployed)'
        }
        &'patchcycle;help;cycle;start'= {
        }
        &'patchcycle;help;cycle;status'= {
        }
        &'patchcycle;help;cycle;show'= {
        }
        &'patchcycle;help;cycle;list'= {
        }
        &'patchcycle;help;cycle;close'= {
        }
        &'patchcycle;help;test'= {
        }
        &'patchcycle;help;approve'= {
        }
        &'patchcycle;help;deploy'= {
        }
        &'patchcycle;help;rollback'= {
        }
        &'patchcycle;help;note'= {
            cand add 'Add a note on an advisory or a package'
            cand list 'List notes'
        }
        &'patchcycle;help;note;add'= {
        }
        &'patchcycle;help;note;list'= {
        }
        &'patchcycle;help;advisory'= {
            cand show 'Show advisories by id (ALSA-2023:2523, DSA-5678-1, …) or CVE, in any case; a CVE only KEV or EPSS know shows what they know'
            cand search 'Search the catalogue; with --version, say whether that version is affected'
        }
        &'patchcycle;help;advisory;show'= {
        }
        &'patchcycle;help;advisory;search'= {
        }
        &'patchcycle;help;report'= {
        }
        &'patchcycle;help;audit'= {
            cand list 'List audit rows, oldest first'
            cand verify 'Recompute the hash chain; exit 1 and name the first bad row when broken'
            cand anchor 'Record the chain''s head outside the database, for `audit verify --anchor`'
            cand export 'Export rows with the chain''s verification, as evidence (ISO 27001, SOX); --format json or csv; exit 1 when the chain is broken (the export is still written)'
        }
        &'patchcycle;help;audit;list'= {
        }
        &'patchcycle;help;audit;verify'= {
        }
        &'patchcycle;help;audit;anchor'= {
        }
        &'patchcycle;help;audit;export'= {
        }
        &'patchcycle;help;vercmp'= {
        }
        &'patchcycle;help;help'= {
        }
    ]
    $completions[$command]
}

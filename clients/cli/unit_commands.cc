// pqtrack unit: the organisation tree.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cli/cli.h"
#include "clients/common/csv.h"
#include "pqtrack/v1/unit.grpc.pb.h"

namespace pqtrack::cli {
namespace {

const std::vector<std::string> kKinds = {"ministry", "department",
                                         "office",   "inspectorate",
                                         "division", "external-agency"};

v1::UnitKind KindFromName(const std::string& name) {
  for (size_t i = 0; i < kKinds.size(); ++i) {
    if (kKinds[i] == name) return static_cast<v1::UnitKind>(i + 1);
  }
  return v1::UNIT_KIND_UNSPECIFIED;
}

void PrintUnit(Context& ctx, const v1::Unit& u) {
  client::PrintFields(std::cout,
                      {{"code", u.code()},
                       {"name (vi)", u.name_vi()},
                       {"name (en)", u.name_en()},
                       {"kind", EnumLabel(v1::UnitKind_descriptor(), u.kind())},
                       {"parent", u.parent_code()},
                       {"valid from", client::FormatDate(u.valid_from())},
                       {"valid to", client::FormatDate(u.valid_to())},
                       {"successor", u.successor_code()}});
  (void)ctx;
}

// The kind of a unit in a file without a kind column.
v1::UnitKind GuessKind(const std::string& parent, const std::string& name_vi) {
  if (parent.empty()) return v1::UNIT_KIND_MINISTRY;
  if (absl::StartsWith(name_vi, "Văn phòng")) return v1::UNIT_KIND_OFFICE;
  if (absl::StartsWith(name_vi, "Thanh tra")) return v1::UNIT_KIND_INSPECTORATE;
  if (absl::StartsWith(name_vi, "Phòng")) return v1::UNIT_KIND_DIVISION;
  return v1::UNIT_KIND_DEPARTMENT;
}

int ImportUnits(Context& ctx, const std::string& path) {
  client::CsvReader csv;
  if (absl::Status s = csv.Open(path, {"code", "name_vi"}); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return 1;
  }
  int created = 0, existing = 0, failed = 0;
  while (csv.Next()) {
    v1::CreateUnitRequest req;
    v1::Unit* u = req.mutable_unit();
    u->set_code(csv.Get("code"));
    u->set_name_vi(csv.Get("name_vi"));
    u->set_name_en(csv.Get("name_en"));
    u->set_parent_code(csv.Get("parent"));
    const std::string kind = csv.Get("kind");
    u->set_kind(kind.empty() ? GuessKind(u->parent_code(), u->name_vi())
                             : KindFromName(kind));
    v1::CreateUnitResponse resp;
    v1::UnitService::Stub stub(ctx.conn().channel());
    const grpc::Status st =
        stub.CreateUnit(ctx.conn().NewContext().get(), req, &resp);
    if (st.ok()) {
      ++created;
    } else if (st.error_code() == grpc::ALREADY_EXISTS) {
      ++existing;
    } else {
      ++failed;
      std::cerr << path << ":" << csv.line() << ": ";
      client::PrintError(st);
    }
  }
  std::cout << created << " unit(s) created, " << existing << " already there, "
            << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace

void AddUnitCommands(CLI::App& app, Context& ctx) {
  auto* unit = app.add_subcommand("unit", "The ministry's units");
  unit->require_subcommand(1);
  {
    struct Opts {
      std::string code, name_vi, name_en, parent, kind, valid_from, valid_to,
          successor;
    };
    auto o = std::make_shared<Opts>();
    auto* c = unit->add_subcommand("create", "Create a unit");
    c->add_option("--code", o->code, "Unique code, e.g. TCBC")->required();
    c->add_option("--name-vi", o->name_vi, "Vietnamese name")->required();
    c->add_option("--name-en", o->name_en, "English name");
    c->add_option("--parent", o->parent, "Parent unit code")
        ->transform(UnitCodeCase());
    c->add_option("--kind", o->kind, "Kind of unit")
        ->required()
        ->check(CLI::IsMember(kKinds));
    c->add_option("--valid-from", o->valid_from, "First day, YYYY-MM-DD")
        ->check(DateValidator());
    c->add_option("--valid-to", o->valid_to, "Last day, YYYY-MM-DD")
        ->check(DateValidator());
    c->add_option("--successor", o->successor, "Code of the successor unit");
    c->callback([&ctx, o] {
      v1::CreateUnitRequest req;
      v1::Unit* u = req.mutable_unit();
      u->set_code(o->code);
      u->set_name_vi(o->name_vi);
      u->set_name_en(o->name_en);
      u->set_parent_code(o->parent);
      u->set_kind(KindFromName(o->kind));
      if (!o->valid_from.empty()) {
        *u->mutable_valid_from() =
            ParseDateOption("--valid-from", o->valid_from);
      }
      if (!o->valid_to.empty()) {
        *u->mutable_valid_to() = ParseDateOption("--valid-to", o->valid_to);
      }
      u->set_successor_code(o->successor);
      v1::CreateUnitResponse resp;
      if (!Call(ctx, &v1::UnitService::Stub::CreateUnit, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      PrintUnit(ctx, resp.unit());
    });
  }
  {
    struct Opts {
      std::string code;
      std::optional<std::string> name_vi, name_en, parent, valid_from, valid_to,
          successor;
    };
    auto o = std::make_shared<Opts>();
    auto* c = unit->add_subcommand(
        "update",
        "Change a unit: only the options given change; an empty value "
        "(\"\") clears an optional field");
    c->add_option("code", o->code, "The unit's code")->required();
    c->add_option("--name-vi", o->name_vi, "Vietnamese name");
    c->add_option("--name-en", o->name_en, "English name");
    c->add_option("--parent", o->parent, "Parent unit code")
        ->transform(UnitCodeCase());
    c->add_option("--valid-from", o->valid_from, "First day, YYYY-MM-DD");
    c->add_option("--valid-to", o->valid_to, "Last day, YYYY-MM-DD");
    c->add_option("--successor", o->successor, "Code of the successor unit");
    c->callback([&ctx, o] {
      v1::UpdateUnitRequest req;
      v1::Unit* u = req.mutable_unit();
      u->set_code(o->code);
      if (o->name_vi) {
        u->set_name_vi(*o->name_vi);
        req.add_update_mask("name_vi");
      }
      if (o->name_en) {
        u->set_name_en(*o->name_en);
        req.add_update_mask("name_en");
      }
      if (o->parent) {
        u->set_parent_code(*o->parent);
        req.add_update_mask("parent_code");
      }
      if (o->successor) {
        u->set_successor_code(*o->successor);
        req.add_update_mask("successor_code");
      }
      if (o->valid_from) {
        req.add_update_mask("valid_from");
        if (!o->valid_from->empty()) {
          *u->mutable_valid_from() =
              ParseDateOption("--valid-from", *o->valid_from);
        }
      }
      if (o->valid_to) {
        req.add_update_mask("valid_to");
        if (!o->valid_to->empty()) {
          *u->mutable_valid_to() = ParseDateOption("--valid-to", *o->valid_to);
        }
      }
      v1::UpdateUnitResponse resp;
      if (!Call(ctx, &v1::UnitService::Stub::UpdateUnit, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      PrintUnit(ctx, resp.unit());
    });
  }
  {
    auto root = std::make_shared<std::string>();
    auto all = std::make_shared<bool>(false);
    auto* c = unit->add_subcommand("list", "List units as a tree");
    c->add_option("--root", *root, "Only this unit and its subtree");
    c->add_flag("--all", *all, "Include units that no longer exist");
    c->callback([&ctx, root, all] {
      v1::ListUnitsRequest req;
      req.set_root_code(*root);
      req.set_include_expired(*all);
      v1::ListUnitsResponse resp;
      if (!Call(ctx, &v1::UnitService::Stub::ListUnits, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      client::Table t({"CODE", "KIND", "NAME", "ENGLISH NAME"});
      for (const auto& u : resp.units()) {
        t.AddRow({std::string(2 * u.depth(), ' ') + u.code(),
                  EnumLabel(v1::UnitKind_descriptor(), u.kind()), u.name_vi(),
                  u.name_en()});
      }
      t.Print(std::cout);
    });
  }
  {
    auto path = std::make_shared<std::string>();
    auto* c = unit->add_subcommand(
        "import",
        "Create units from a CSV file with a header row: code, name_vi, "
        "and optionally name_en, parent, kind (ministry, department, office, "
        "inspectorate, division, external-agency). Without a kind column a "
        "unit without parent is the ministry, a name starting \"Văn phòng\" "
        "an office, \"Thanh tra\" an inspectorate, \"Phòng\" a division, "
        "anything else a department. Parents must come before their "
        "children. Units that exist already are left as they are.");
    c->add_option("file", *path, "CSV file (UTF-8)")->required();
    c->callback([&ctx, path] { ctx.exit_code = ImportUnits(ctx, *path); });
  }
}

}  // namespace pqtrack::cli

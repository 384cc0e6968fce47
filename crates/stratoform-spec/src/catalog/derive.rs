//! Facts of an instance type the table does not list, derived from its name
//! `<class><generation><attributes>[-<variant>].<size>`: the architecture from the `g` (Graviton)
//! attribute, the vCPUs and pods from the size, the memory from the class. No price: the price
//! table only covers the types it lists.

use super::instances::{instance_type, max_pods, vcpus, T_SIZES};
use super::{Architecture, InstanceFacts};
use crate::InstanceType;

/// An instance type's name, taken apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceName<'a> {
    /// The family (`m7i-flex` of `m7i-flex.large`).
    pub family: &'a str,
    /// The class letters (`m`, `c`, `r`, `t`, `g`, `inf`, `u`, ...).
    pub class: &'a str,
    /// The generation (`7`); 0 for the `u-<n>tb1` high memory types.
    pub generation: u32,
    /// The attribute letters after the generation (`g` Graviton, `i` Intel, `a` AMD, `d` local
    /// NVMe, `n` network, `e` extra memory...).
    pub attributes: &'a str,
    /// The size (`large`, `2xlarge`, `metal-24xl`).
    pub size: &'a str,
}

impl<'a> InstanceName<'a> {
    /// Takes a name apart, if it has the form of an instance type ([`InstanceType::PATTERN`]).
    pub fn parse(name: &'a str) -> Option<Self> {
        name.parse::<InstanceType>().ok()?;
        let (family, size) = name.split_once('.')?;
        if family.starts_with("u-") {
            return Some(Self { family, class: "u", generation: 0, attributes: "", size });
        }
        let base = family.split('-').next().unwrap_or(family);
        let digits = base.find(|c: char| c.is_ascii_digit())?;
        let after = base[digits..].find(|c: char| !c.is_ascii_digit()).map_or(base.len(), |i| digits + i);
        Some(Self {
            family,
            class: &base[..digits],
            generation: base[digits..after].parse().ok()?,
            attributes: &base[after..],
            size,
        })
    }

    /// The architecture: Arm for Graviton (a `g` attribute, or the first generation `a1`).
    pub fn architecture(&self) -> Architecture {
        if self.attributes.contains('g') || (self.class == "a" && self.generation == 1) {
            Architecture::Arm64
        } else {
            Architecture::X86_64
        }
    }

    /// Burstable (the T classes).
    pub fn burstable(&self) -> bool {
        self.class == "t"
    }

    /// GiB of memory per vCPU of the class: compute 2, general purpose and accelerated 4, memory
    /// optimised, storage and high frequency 8, extra memory 16. An estimate for a type the table
    /// does not list.
    pub fn gib_per_vcpu(&self) -> f64 {
        match self.class {
            "c" => 2.0,
            "r" | "z" | "i" | "d" => 8.0,
            "x" => 16.0,
            _ => 4.0,
        }
    }
}

/// The facts of a type the table does not list, derived from its name: `None` when the name is
/// not of the form of an instance type, or is a plain `metal` size (as large as the family's
/// largest size, which the name does not say).
pub fn derive(name: &str) -> Option<InstanceFacts> {
    let parsed = InstanceName::parse(name)?;
    let arch = parsed.architecture();
    if parsed.burstable()
        && let Some((_, vcpu, gib, pods)) = T_SIZES.iter().find(|(s, ..)| *s == parsed.size)
    {
        return Some(InstanceFacts { arch, vcpu: *vcpu, memory_gib: *gib, max_pods: *pods, hourly_usd: None, burstable: true });
    }
    let vcpu = vcpus(parsed.size);
    (vcpu > 0).then(|| InstanceFacts {
        arch,
        vcpu,
        memory_gib: parsed.gib_per_vcpu() * f64::from(vcpu),
        max_pods: max_pods(parsed.size),
        hourly_usd: None,
        burstable: false,
    })
}

/// The facts of an instance type: the table's (with a price), else derived from its name.
pub fn instance_facts(name: &str) -> Option<InstanceFacts> {
    instance_type(name).copied().or_else(|| derive(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_apart() {
        let flex = InstanceName::parse("m7i-flex.large").unwrap();
        assert_eq!((flex.family, flex.class, flex.generation, flex.attributes, flex.size), ("m7i-flex", "m", 7, "i", "large"));
        let gd = InstanceName::parse("c8gd.2xlarge").unwrap();
        assert_eq!((gd.class, gd.generation, gd.attributes, gd.architecture()), ("c", 8, "gd", Architecture::Arm64));
        assert_eq!(InstanceName::parse("u-6tb1.metal").unwrap().class, "u");
        assert_eq!(InstanceName::parse("inf2.xlarge").unwrap().architecture(), Architecture::X86_64);
        assert_eq!(InstanceName::parse("a1.large").unwrap().architecture(), Architecture::Arm64);
        for bad in ["m5", "m5.huge", "M5.large", "m.large", "m5.2large", "m5..large", "m5.large.x", "5m.large"] {
            assert!(InstanceName::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn unknown_types_are_derived_without_a_price() {
        let f = derive("c8gd.2xlarge").unwrap();
        assert_eq!((f.arch, f.vcpu, f.memory_gib, f.max_pods, f.hourly_usd), (Architecture::Arm64, 8, 16.0, 58, None));
        let r = derive("r7iz.metal-16xl").unwrap();
        assert_eq!((r.arch, r.vcpu, r.memory_gib), (Architecture::X86_64, 64, 512.0));
        let t = derive("t5g.medium").unwrap();
        assert_eq!((t.arch, t.vcpu, t.memory_gib, t.burstable), (Architecture::Arm64, 2, 4.0, true));
        assert!(derive("u-6tb1.metal").is_none(), "a plain metal size says nothing of its size");
        assert!(derive("m5.huge").is_none());
    }

    #[test]
    fn the_table_comes_first() {
        assert_eq!(instance_facts("m5.large").unwrap().hourly_usd, Some(0.096));
        assert_eq!(instance_facts("m9g.large").unwrap().hourly_usd, None);
    }
}

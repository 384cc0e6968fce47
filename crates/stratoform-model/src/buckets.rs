//! S3 bucket names, which Terraform creates and docs, Kubernetes references and IAM grants name.

use stratoform_spec::{Bucket, Region};

use crate::Model;

impl Model {
    /// The name of a bucket of a region: its `bucketName` with placeholders filled (`{region}`
    /// is the bucket's region), else `{platform}-{env}-<bucket>`.
    pub fn bucket_name(&self, region: &Region, bucket: &Bucket) -> String {
        match &bucket.bucket_name {
            Some(n) => self.names.fill(n.as_str(), Some(region), None),
            None => format!("{}-{}", self.names.prefix(), bucket.name),
        }
    }

    /// A bucket by name, in the first region (in spec order) that has one of that name, with its
    /// region.
    pub fn first_bucket(&self, name: &str) -> Option<(&Region, &Bucket)> {
        self.platform.regions.iter().find_map(|r| r.buckets.iter().find(|b| b.name.as_str() == name).map(|b| (r, b)))
    }

    /// A bucket by name, looked up in `first` (a cluster's own region) and then in the other
    /// regions in spec order, with its region.
    pub fn find_bucket(&self, name: &str, first: &str) -> Option<(&Region, &Bucket)> {
        let regions = self.platform.regions.iter();
        let ordered = regions.clone().filter(|r| r.name.as_str() == first).chain(regions.filter(|r| r.name.as_str() != first));
        ordered.into_iter().find_map(|r| r.buckets.iter().find(|b| b.name.as_str() == name).map(|b| (r, b)))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::JsonSpec;
    use crate::Model;

    #[test]
    fn bucket_names_default_to_the_prefix_and_fill_their_own_region() {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}],
            "regions": [
                {"name": "us-east-1", "buckets": [{"name": "logs", "purpose": "p"}]},
                {"name": "eu-west-1", "buckets": [{"name": "logs", "purpose": "p", "bucketName": "{platform}-{env}-logs-{region}"}, {"name": "media", "purpose": "p"}]}
            ]
        }));
        let m = Model::resolve_all(&spec, None).expect("valid spec").remove(0);
        let name = |first: &str, bucket: &str| m.find_bucket(bucket, first).map(|(r, b)| m.bucket_name(r, b));
        assert_eq!(name("us-east-1", "logs").as_deref(), Some("demo-dev-logs"));
        assert_eq!(name("eu-west-1", "logs").as_deref(), Some("demo-dev-logs-eu-west-1"));
        assert_eq!(name("us-east-1", "media").as_deref(), Some("demo-dev-media"));
        assert_eq!(name("us-east-1", "nothing"), None);
        let first = |bucket: &str| m.first_bucket(bucket).map(|(r, b)| m.bucket_name(r, b));
        assert_eq!(first("logs").as_deref(), Some("demo-dev-logs"));
        assert_eq!(first("media").as_deref(), Some("demo-dev-media"));
        assert_eq!(first("nothing"), None);
    }
}
